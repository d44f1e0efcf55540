/**
 * js-yaml's ids in its parser events (EVENT_ID, SCALAR_STYLE, COLLECTION_STYLE, CHOMPING_MODE), as plain numbers for
 * the readers' hot loops (yaml-events.ts, yaml-simple-events.ts), which never load js-yaml's constants.
 */
export const DOCUMENT = 1;
export const SEQUENCE = 2;
export const MAPPING = 3;
export const SCALAR = 4;
export const POP = 6;
export const PLAIN = 1;
export const SINGLE_QUOTED = 2;
export const DOUBLE_QUOTED = 3;
export const LITERAL_BLOCK = 4;
export const FOLDED_BLOCK = 5;
export const BLOCK = 1;
export const FLOW = 2;
export const CLIP = 1;
export const STRIP = 2;
export const KEEP = 3;
/** An offset that is not there (no tag, no anchor, an empty scalar). */
export const NO_RANGE = -1;

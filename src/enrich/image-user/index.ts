export { imageUserEnricher, type ImageUserEnricherOptions } from './enrich.js';
export { ImageUserResolver, type ImageUserResolverOptions, type ImageUserResult } from './resolver.js';
export { parseImageReference, type ImageReference } from './reference.js';
export { taskPlatform, type Platform } from './platform.js';

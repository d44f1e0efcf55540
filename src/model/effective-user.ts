/**
 * What a container's image says about its user, added to the model by the
 * image-user resolver (src/enrich/image-user/) before checks run. Checks read
 * it; they never fetch anything.
 */
export type ImageUserFact =
  | {
      /** The user is set in every variant of the task definition: the image was not consulted. */
      kind: 'task-definition';
    }
  | {
      /** The image's configuration was read. */
      kind: 'image';
      /** The image reference as written in the task definition. */
      image: string;
      /** Digest of the image manifest for the task's platform (`sha256:…`). */
      digest: string;
      /** `config.User` of the image; "" when the image sets no USER. */
      user: string;
      /** `--accept-image-user`: the image's user may decide an absent user. */
      acceptImageUser: boolean;
    }
  | {
      /** The image could not be read (network, auth, missing tag, limits) or its reference is an expression. */
      kind: 'unresolved';
      image?: string;
      /** Set when the reference is an expression the source could not resolve (`!Ref Image`, `var.image`). */
      expression?: string;
      reason: string;
      acceptImageUser: boolean;
    };

/** Whom a container runs as, and where that came from; carried by user findings. */
export interface EffectiveUser {
  /** The user (`"1000"`, `"0:0"`); `""` when the image sets no USER (its default: root); null when unknown. */
  value: string | null;
  /** `task definition`, `image <ref>@<digest>`, or `unresolved`. */
  source: string;
  reason: string;
}

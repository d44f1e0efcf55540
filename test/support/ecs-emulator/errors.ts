/** An error the emulator answers with, shaped like the real service's. */
export class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const clientException = (message: string): ApiError => new ApiError('ClientException', message);
export const invalidParameter = (message: string): ApiError => new ApiError('InvalidParameterException', message);

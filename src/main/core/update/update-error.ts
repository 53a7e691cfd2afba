/** Why an update was not found, fetched or accepted: `code` for programs, `message` in the user's words. */
export type UpdateErrorCode =
  | 'no-source'
  | 'bad-source'
  | 'no-key'
  | 'unreachable'
  | 'not-found'
  | 'unsigned'
  | 'bad-signature'
  | 'bad-feed'
  | 'no-installer'
  | 'size-mismatch'
  | 'hash-mismatch';

export class UpdateError extends Error {
  constructor(
    readonly code: UpdateErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'UpdateError';
  }
}

/**
 * Errors of the storage's own rules that core's family has no code for. The
 * server's error handler turns them into HTTP (`label_protected` is a 403).
 */

/**
 * A write would move, delete or publish onto a label the workspace protects,
 * by a caller that may not (`may_change_protected: false`). Thrown inside the
 * write's transaction: nothing of the write is kept.
 */
export class LabelProtectedError extends Error {
  constructor(readonly label: string) {
    super(`The release label "${label}" is protected in this workspace.`);
    this.name = "LabelProtectedError";
  }
}

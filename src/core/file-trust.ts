/**
 * Which local files may name or hold credentials (issue 17, item 2). A connections.toml decides
 * where the administrator's PAT, password or key is sent, and which token or key file is read; a
 * token or key file is the credential itself. Such a file is used only when nobody but its owner
 * (or root, who can do anything anyway) could have written it — the rule OpenSSH applies to
 * ~/.ssh (StrictModes) — and never when it is a kernel pseudo-file (/proc, /sys, /dev), whose
 * contents (the process environment, say) are not a file's. Pure: the caller stats the file.
 */

export interface FileFacts {
  /** The resolved path (fs.realpath), for the pseudo-file test. */
  realPath: string;
  uid: number;
  mode: number;
}

/** The file-system trees whose files are the kernel's views, not files (Linux; macOS has /dev). */
const PSEUDO_TREES = ['/proc', '/sys', '/dev'];

/** Why `file` may not be trusted with credentials; undefined when it may. `euid`: undefined on Windows (no POSIX owners). */
export function credentialFileProblem(file: FileFacts, euid: number | undefined): string | undefined {
  if (PSEUDO_TREES.some((tree) => file.realPath === tree || file.realPath.startsWith(`${tree}/`))) {
    return `is a kernel pseudo-file (${file.realPath}), not a file of yours`;
  }
  if (euid === undefined) return undefined;
  if (file.uid !== euid && file.uid !== 0) return `is owned by uid ${file.uid}, not by you (uid ${euid}) or root`;
  const writers = [(file.mode & 0o020) !== 0 ? 'its group' : '', (file.mode & 0o002) !== 0 ? 'other users' : ''].filter(Boolean);
  if (writers.length) return `is writable by ${writers.join(' and ')} (mode ${octal(file.mode)})`;
  return undefined;
}

/** Whether others can read it (a warning, not a refusal: the Snowflake CLI asks for 0600). */
export function readableByOthers(mode: number): boolean {
  return (mode & 0o044) !== 0;
}

export function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}

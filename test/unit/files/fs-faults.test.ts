import { describe, expect, it } from "vitest";
import { PausedError, UserError } from "../../../src/errors.js";
import { describeFsFault, fsFaultAsPaused, fsFaultAsUserError, isFsFault } from "../../../src/files/fs-faults.js";

function fault(code: string, path?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: boom`), { code, ...(path ? { path } : {}) });
}

describe("filesystem faults in plain words", () => {
  it.each([
    ["EISDIR", /is a directory, not a file/, /move that directory away/],
    ["ENOTDIR", /is a file, not a folder/, /fix the path/],
    ["EEXIST", /is a file where a folder is needed/, /move that file away/],
    ["EACCES", /permission denied/, /chmod u\+rwX/],
    ["EPERM", /not permitted/, /owner/],
    ["EROFS", /read-only/, /remount/],
    ["ENOSPC", /no space left/, /free some disk space/],
    ["EDQUOT", /quota/, /free some space/],
    ["EMFILE", /too many open files/, /ulimit -n/],
    ["ENFILE", /too many open files/, /close other programs/],
    ["ELOOP", /is a symbolic link/, /replace the link/],
    ["EIO", /input\/output error/, /check the disk/],
  ])("%s names the path and the fix", (code, what, fix) => {
    const err = fault(code);
    expect(isFsFault(err)).toBe(true);
    const d = describeFsFault(err, "/camp/.outreach/x.json", "open the state file");
    expect(d.message).toMatch(/^could not open the state file \/camp\/\.outreach\/x\.json: /);
    expect(d.message).toMatch(what);
    expect(d.hint).toMatch(fix);
  });

  it("names the path the system call failed on when it says (a temp file, a folder)", () => {
    const d = describeFsFault(fault("ENOSPC", "/camp/.outreach/x.json.tmp"), "/camp/.outreach/x.json", "save the state file");
    expect(d.message).toBe("could not save the state file /camp/.outreach/x.json: no space left on the device holding /camp/.outreach/x.json.tmp");
  });

  it("before a send: a UserError saying nothing was sent; after: a PausedError saying how to resume", () => {
    const before = fsFaultAsUserError(fault("EROFS"), "s.json", "open the state file");
    expect(before).toBeInstanceOf(UserError);
    expect((before as UserError).message).toMatch(/nothing was sent$/);
    expect((before as UserError).details.hint).toMatch(/run the same command again$/);
    const after = fsFaultAsPaused(fault("ENOSPC"), "s.json.journal", "write the state journal");
    expect(after).toBeInstanceOf(PausedError);
    expect((after as PausedError).details.hint).toMatch(/nothing will be sent twice/);
  });

  it("anything else stays what it was (a bug is still reported as one)", () => {
    const bug = new TypeError("x is undefined");
    expect(isFsFault(bug)).toBe(false);
    expect(fsFaultAsUserError(bug, "s.json", "open")).toBe(bug);
    expect(fsFaultAsPaused(fault("ENOENT"), "s.json", "open")).toEqual(fault("ENOENT"));
  });
});

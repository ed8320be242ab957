/**
 * One temporary root for the whole test run (test/e2e/run-cli.ts tempDir() creates everything
 * under it), removed when the run ends: worker processes do not always get to clean up after
 * themselves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'wif-check-tests-'));
  process.env.WIF_CHECK_TEST_TMP = root;
  return () => rmSync(root, { recursive: true, force: true });
}

/**
 * The specification of how compareGithubSubjects shows two long values side by side: a message
 * shows a value's first 120 characters; when two values differ only after those, both are shown
 * from 40 characters before their first difference (an ellipsis where a value is cut), so that the
 * two texts never look the same. Cut values are escaped like any other (a token is untrusted).
 * One line per pair; every message in full.
 */
import { describe, expect, it } from 'vitest';
import { compareGithubSubjects } from '../../src/providers/oidc/github.js';

const CASE_ONLY = 'whether Snowflake compares SUBJECT case-sensitively is not documented: register exactly what the token carries';
/** `environment:` and `count` letters e: an environment claim whose text is 12 + count characters long. */
const env = (count: number) => `environment:${'e'.repeat(count)}`;
const e = (count: number) => 'e'.repeat(count);
const z = (count: number) => 'z'.repeat(count);

const messages = (presented: string, registered: string) => compareGithubSubjects(presented, registered).map((trap) => `${trap.code}: ${trap.message}`);

describe('compareGithubSubjects: two values that differ past what a message shows', () => {
  it.each([
    // They differ at index 119 (the 120th character): each is shown as its first 120 characters.
    [`repo:o/r:${env(107)}A${z(30)}`, `repo:o/r:${env(107)}B${z(30)}`, [
      `GITHUB_SUBJECT_VALUE_DIFFERS: the workflow presents ${env(107)}A…, the registration names ${env(107)}B…`,
    ]],
    // At index 120: both from index 80 (40 before), to the end (151 characters, within 80 + 120).
    [`repo:o/r:${env(108)}A${z(30)}`, `repo:o/r:${env(108)}B${z(30)}`, [
      `GITHUB_SUBJECT_VALUE_DIFFERS: the workflow presents …${e(40)}A${z(30)}, the registration names …${e(40)}B${z(30)}`,
    ]],
    // 200 characters end exactly where the shown part does: no ellipsis after it; 201 have one.
    [`repo:o/r:${env(108)}A${z(79)}`, `repo:o/r:${env(108)}B${z(79)}`, [
      `GITHUB_SUBJECT_VALUE_DIFFERS: the workflow presents …${e(40)}A${z(79)}, the registration names …${e(40)}B${z(79)}`,
    ]],
    [`repo:o/r:${env(108)}A${z(80)}`, `repo:o/r:${env(108)}B${z(80)}`, [
      `GITHUB_SUBJECT_VALUE_DIFFERS: the workflow presents …${e(40)}A${z(79)}…, the registration names …${e(40)}B${z(79)}…`,
    ]],
    // One value the other's beginning: shown from 40 before where the shorter one ends.
    [`repo:o/r:${env(130)}`, `repo:o/r:${env(130)}x`, [
      `GITHUB_SUBJECT_VALUE_DIFFERS: the workflow presents …${e(40)}, the registration names …${e(40)}x`,
    ]],
    // Letter case only, past 120 (the repositories differ too, so the subjects do not differ only in case).
    [`repo:o/other:${env(120)}Prod`, `repo:o/r:${env(120)}prod`, [
      'GITHUB_SUBJECT_REPO_DIFFERS: the token comes from repo:o/other, the registration names repo:o/r',
      `GITHUB_SUBJECT_CASE_DIFFERS: …${e(40)}Prod and …${e(40)}prod differ only in letter case: ${CASE_ONLY}`,
    ]],
    // An environment against a long branch: the values differ at once, each shown from its start.
    ['repo:o/r:environment:prod', `repo:o/r:ref:refs/heads/${e(130)}`, [
      `GITHUB_SUBJECT_ENVIRONMENT: the job uses the environment prod: GitHub presents environment:prod instead of ref:refs/heads/${e(105)}… (an environment wins)`,
    ]],
    // Under a wildcard nothing more specific is found: the whole subjects, cut where they differ.
    [`repo:o/r:ref:refs/heads/${e(120)}1`, `repo:o/r:ref:refs/heads/${e(120)}*`, [
      `GITHUB_SUBJECT_DIFFERS: the registered subject …${e(40)}* is not the one the workflow presents (…${e(40)}1)`,
    ]],
    // A control character in the part shown only because of the cut is escaped all the same.
    [`repo:o/r:${env(110)}\u001b[31mX`, `repo:o/r:${env(110)}Y`, [
      `GITHUB_SUBJECT_VALUE_DIFFERS: the workflow presents …${e(40)}\\u001b[31mX, the registration names …${e(40)}Y`,
    ]],
  ])('%s presented, %s registered', (presented, registered, want) => {
    expect(messages(presented, registered)).toEqual(want);
  });
});

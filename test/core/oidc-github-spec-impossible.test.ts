/**
 * Specification of impossibleGithubSubject (src/providers/oidc/github.ts): for a SUBJECT registered
 * on a Snowflake user, the whole Trap when no GitHub Actions workflow can present it (code, severity,
 * message, fix, and the subject that would match), undefined when some workflow can. One line per
 * subject a user really registers (../shared/FACTS.md "GitHub Actions and other OIDC issuers";
 * Azure/login #178, #296, #453 for the mistakes people make).
 */
import { describe, expect, it } from 'vitest';
import { impossibleGithubSubject } from '../../src/providers/oidc/github.js';
import type { Trap } from '../../src/providers/types.js';

const NO = 'no GitHub workflow presents this subject: ';
const MAY = 'GitHub may never present this subject: ';
const WHOAMI = 'Register the subject the token carries (wif-check whoami --provider oidc shows it).';
const FIX_NO_REPO = 'Register repo:OWNER/REPO:… with the repository as GitHub shows it (wif-check gen-sql --provider oidc --github-repo OWNER/REPO prints it).';
const FIX_BAD_ID = 'Register repo:OWNER@<owner id>/REPO@<repository id>:… with both numeric IDs, or the mutable repo:OWNER/REPO:…, as the token shows it (wif-check whoami --provider oidc).';
const MISSING_REF = 'lacks its claim name: GitHub writes ref:refs/heads/<branch> or ref:refs/tags/<tag>';
const SHORT_REF = 'is not a full git ref: GitHub writes ref:refs/heads/<branch> for a branch and ref:refs/tags/<tag> for a tag';
const MISSPELT = 'is misspelt: GitHub writes branches as refs/heads/… and tags as refs/tags/…';
const UNDOCUMENTED = 'is not a claim GitHub documents for subjects (expected e.g. repo, environment, ref, pull_request, job_workflow_ref)';
const REF_SPACE = 'contains whitespace, which no git ref name can (git check-ref-format)';

/** An error wif-check can repair: the fix registers `subject`. */
const repaired = (code: string, message: string, subject: string): Trap => ({
  code,
  severity: 'error',
  message: NO + message,
  fix: `Register the subject a workflow presents: ${subject}`,
  subject,
});
/** An error whose right subject wif-check cannot know. */
const refused = (code: string, message: string, fix = WHOAMI): Trap => ({ code, severity: 'error', message: NO + message, fix });
/** A claim name GitHub does not document: a warning (GitHub may add claims). */
const warned = (message: string): Trap => ({ code: 'GITHUB_SUBJECT_UNKNOWN_CLAIM', severity: 'warn', message: MAY + message, fix: WHOAMI });

/** A branch name with a space, 120 and 121 characters as a ref: a message shows 120 characters of a value, then `…`. */
const REF_120 = `refs/heads/release notes ${'x'.repeat(95)}`;
const REF_121 = `${REF_120}y`;

type Row = [string, Trap | undefined];

function check(registered: string, expected: Trap | undefined) {
  expect(impossibleGithubSubject(registered)).toEqual(expected);
}

describe('impossibleGithubSubject: the specification', () => {
  // What GitHub presents (and prefixes of it under a trailing wildcard) is never a trap.
  it.each<Row>([
    ['repo:octo/app:event_name:pull_request', undefined],
    ['repo:octo/app:ref:refs/pull/42/merge', undefined],
    ['repo:octo/app:ref*', undefined],
    ['repo:octo/app:ref:*', undefined],
    ['repo:octo/app:ref:r*', undefined],
    ['repo:octo/app:ref:re*', undefined],
    ['repo:octo/app:ref:refs*', undefined],
    ['repo:octo/app:ref:refs/head/ma*', undefined],
  ])('presentable %j', check);

  // pull_request is one bare word, lower-case with an underscore; other words only resemble it.
  it.each<Row>([
    ['repo:octo/app:pull-request', repaired('GITHUB_SUBJECT_PULL_REQUEST_TYPO', 'pull-request is not what GitHub writes for a pull request: its subjects say pull_request', 'repo:octo/app:pull_request')],
    ['repo:octo/app:Pull Request', repaired('GITHUB_SUBJECT_PULL_REQUEST_TYPO', 'Pull Request is not what GitHub writes for a pull request: its subjects say pull_request', 'repo:octo/app:pull_request')],
    ['repo:octo/app:PULL_REQUESTS', repaired('GITHUB_SUBJECT_PULL_REQUEST_TYPO', 'PULL_REQUESTS is not what GitHub writes for a pull request: its subjects say pull_request', 'repo:octo/app:pull_request')],
    ['repo:octo/app:pull_request_target', refused('GITHUB_SUBJECT_EMPTY_VALUE', 'the claim pull_request_target has no value (and 2 more)')],
    ['repo:octo/app:on-pull-request', refused('GITHUB_SUBJECT_EMPTY_VALUE', 'the claim on-pull-request has no value (and 2 more)')],
  ])('pull request %j', check);

  // A claim name in the wrong case, a ref without its `ref:`, an owner/repo without its `repo:`.
  it.each<Row>([
    ['Repo:octo/app:environment:prod', repaired('GITHUB_SUBJECT_KEY_CASE', 'Repo is not how GitHub writes the claim: its claim names are lower-case (repo)', 'repo:octo/app:environment:prod')],
    ['repo:octo/app:refs/heads/main', repaired('GITHUB_SUBJECT_MISSING_REF_KEY', `refs/heads/main ${MISSING_REF}`, 'repo:octo/app:ref:refs/heads/main')],
    ['repo:octo/app:ref/heads/main', repaired('GITHUB_SUBJECT_MISSING_REF_KEY', `ref/heads/main ${MISSING_REF} (and 1 more)`, 'repo:octo/app:ref:refs/heads/main')],
    ['repo:octo/app:tags/v1.0', repaired('GITHUB_SUBJECT_MISSING_REF_KEY', `tags/v1.0 ${MISSING_REF} (and 1 more)`, 'repo:octo/app:ref:refs/tags/v1.0')],
    ['repo:octo/app:Heads/main', repaired('GITHUB_SUBJECT_MISSING_REF_KEY', `Heads/main ${MISSING_REF} (and 1 more)`, 'repo:octo/app:ref:refs/heads/main')],
    // Not at the start of the token: not a ref (and, not first, not the repository either).
    ['repo:octo/app:/refs/heads/main', refused('GITHUB_SUBJECT_EMPTY_VALUE', 'the claim /refs/heads/main has no value (and 2 more)')],
    ['octo/app:ref:refs/heads/main', repaired('GITHUB_SUBJECT_NO_REPO', "the subject starts with octo/app: GitHub's subjects start with repo:OWNER/REPO", 'repo:octo/app:ref:refs/heads/main')],
    ['github.com/octo/app:ref:refs/heads/main', refused('GITHUB_SUBJECT_NO_REPO', "the subject starts with github.com/octo/app: GitHub's subjects start with repo:OWNER/REPO (and 1 more)", FIX_NO_REPO)],
  ])('claim name %j', check);

  // A misspelt claim name: the nearest documented one within 1 edit (names under 6 characters) or 2
  // (longer), the first listed on a tie; farther than that, only a warning.
  it.each<Row>([
    ['repo:octo/app:enviroment:prod', repaired('GITHUB_SUBJECT_UNKNOWN_CLAIM', 'enviroment is not a claim GitHub puts in a subject (did you mean environment?)', 'repo:octo/app:environment:prod')],
    ['rep:octo/app:pull_request', repaired('GITHUB_SUBJECT_UNKNOWN_CLAIM', 'rep is not a claim GitHub puts in a subject (did you mean repo?)', 'repo:octo/app:pull_request')],
    ['repo:octo/app:actorid:42', repaired('GITHUB_SUBJECT_UNKNOWN_CLAIM', 'actorid is not a claim GitHub puts in a subject (did you mean actor_id?)', 'repo:octo/app:actor_id:42')],
    ['repo:octo/app:run_no:42', repaired('GITHUB_SUBJECT_UNKNOWN_CLAIM', 'run_no is not a claim GitHub puts in a subject (did you mean run_id?)', 'repo:octo/app:run_id:42')],
    ['repo:octo/app:sha_1:abc', warned(`sha_1 ${UNDOCUMENTED}`)],
    ['repo:octo/app:sha256:abc', warned(`sha256 ${UNDOCUMENTED}`)],
    ['repo:octo/app:foo:bar', warned(`foo ${UNDOCUMENTED}`)],
    // Abbreviations are not typos: env, id and pr are no claim within reach.
    ['repo:octo/app:env:prod', warned(`env ${UNDOCUMENTED}`)],
    ['repo:octo/app:id:42', warned(`id ${UNDOCUMENTED}`)],
    ['repo:octo/app:pr:42', warned(`pr ${UNDOCUMENTED}`)],
  ])('claim name typo %j', check);

  // ref: a full branch or tag ref; misspelt and short refs are repaired, empty or spaced ones are not.
  it.each<Row>([
    ['repo:octo/app:ref:refs/heads/', refused('GITHUB_SUBJECT_EMPTY_VALUE', 'ref:refs/heads/ names no branch')],
    ['repo:octo/app:ref:refs/tags/', refused('GITHUB_SUBJECT_EMPTY_VALUE', 'ref:refs/tags/ names no tag')],
    ['Repo:octo/app:ref:refs/heads/', refused('GITHUB_SUBJECT_KEY_CASE', 'Repo is not how GitHub writes the claim: its claim names are lower-case (repo) (and 1 more)')],
    ['repo:octo/app:ref:refs/head/main', repaired('GITHUB_SUBJECT_REF_TYPO', `ref:refs/head/main ${MISSPELT} (refs/heads/main)`, 'repo:octo/app:ref:refs/heads/main')],
    ['repo:octo/app:ref:REFS/TAGS/v1', repaired('GITHUB_SUBJECT_REF_TYPO', `ref:REFS/TAGS/v1 ${MISSPELT} (refs/tags/v1)`, 'repo:octo/app:ref:refs/tags/v1')],
    ['repo:octo/app:ref:main', repaired('GITHUB_SUBJECT_SHORT_REF', `ref:main ${SHORT_REF}`, 'repo:octo/app:ref:refs/heads/main')],
    ['repo:octo/app:ref:heads/main', repaired('GITHUB_SUBJECT_SHORT_REF', `ref:heads/main ${SHORT_REF}`, 'repo:octo/app:ref:refs/heads/main')],
    ['repo:octo/app:ref:Tags/v1', repaired('GITHUB_SUBJECT_SHORT_REF', `ref:Tags/v1 ${SHORT_REF}`, 'repo:octo/app:ref:refs/tags/v1')],
    // Only a value that starts with refs/, heads/ or tags/ is read as one: anything else is a branch name.
    ['repo:octo/app:ref:/refs/heads/main', repaired('GITHUB_SUBJECT_SHORT_REF', `ref:/refs/heads/main ${SHORT_REF}`, 'repo:octo/app:ref:refs/heads//refs/heads/main')],
    ['repo:octo/app:ref:origin/heads/main', repaired('GITHUB_SUBJECT_SHORT_REF', `ref:origin/heads/main ${SHORT_REF}`, 'repo:octo/app:ref:refs/heads/origin/heads/main')],
    ['repo:octo/app:ref:', refused('GITHUB_SUBJECT_EMPTY_VALUE', 'ref: is empty: GitHub writes the full ref, e.g. ref:refs/heads/main')],
    ['repo:octo/app:ref:refs/heads/my branch', refused('GITHUB_SUBJECT_WHITESPACE', `ref:refs/heads/my branch ${REF_SPACE}`)],
    ['Repo:octo/app:ref:refs/heads/my branch', refused('GITHUB_SUBJECT_KEY_CASE', 'Repo is not how GitHub writes the claim: its claim names are lower-case (repo) (and 1 more)')],
    // Under a trailing wildcard the cut ref is checked only once it cannot grow into refs/….
    ['repo:octo/app:ref:main*', repaired('GITHUB_SUBJECT_SHORT_REF', `ref:main ${SHORT_REF}`, 'repo:octo/app:ref:refs/heads/main*')],
    ['repo:octo/app:ref:heads/ma*', repaired('GITHUB_SUBJECT_SHORT_REF', `ref:heads/ma ${SHORT_REF}`, 'repo:octo/app:ref:refs/heads/ma*')],
  ])('ref %j', check);

  // repo: OWNER/REPO, or OWNER@<id>/REPO@<id>; the fix says where to find the right one.
  it.each<Row>([
    ['repo:octo / app:pull_request', repaired('GITHUB_SUBJECT_WHITESPACE', 'repo:octo / app contains whitespace, which no owner or repository name can', 'repo:octo/app:pull_request')],
    ['repo:octo app:pull_request', refused('GITHUB_SUBJECT_WHITESPACE', 'repo:octo app contains whitespace, which no owner or repository name can')],
    ['repo:octo@12/app:pull_request', refused('GITHUB_SUBJECT_BAD_ID', 'repo:octo@12/app is not the immutable form, which carries both IDs: OWNER@<owner id>/REPO@<repository id> (digits)', FIX_BAD_ID)],
    ['repo:app:pull_request', refused('GITHUB_SUBJECT_NO_REPO', 'repo:app is not OWNER/REPO', FIX_NO_REPO)],
    ['repo:octo-org/octo-repo/main:pull_request', refused('GITHUB_SUBJECT_NO_REPO', 'repo:octo-org/octo-repo/main is not OWNER/REPO', FIX_NO_REPO)],
  ])('repo %j', check);

  // Stray colons, whitespace around a claim or a value, claims without a value.
  it.each<Row>([
    ['repo:octo/app::ref:refs/heads/main', repaired('GITHUB_SUBJECT_STRAY_COLON', "the subject has an empty claim (a ':' too many)", 'repo:octo/app:ref:refs/heads/main')],
    ['repo:octo/app:', refused('GITHUB_SUBJECT_STRAY_COLON', "the subject has an empty claim (a ':' too many)")],
    [' repo:octo/app:pull_request', repaired('GITHUB_SUBJECT_WHITESPACE', `" repo" has whitespace around it: GitHub's subjects have none around a claim`, 'repo:octo/app:pull_request')],
    ['repo:octo/app:environment:prod ', repaired('GITHUB_SUBJECT_WHITESPACE', 'environment:"prod " has whitespace around the value', 'repo:octo/app:environment:prod')],
    ['repo:octo/app:environment', refused('GITHUB_SUBJECT_EMPTY_VALUE', 'the claim environment has no value (and 1 more)')],
    ['repo:octo/app:environment:', refused('GITHUB_SUBJECT_EMPTY_VALUE', 'environment: is empty: an environment always has a name')],
    ['repo:octo/app:actor:', refused('GITHUB_SUBJECT_EMPTY_VALUE', 'actor: is empty: GitHub presents no empty claim')],
  ])('shape %j', check);

  // Several problems: the first error is named (before an earlier warning), the rest counted.
  it.each<Row>([
    ['repo:octo/app:foo:bar:ref:main', refused('GITHUB_SUBJECT_SHORT_REF', `ref:main ${SHORT_REF} (and 1 more)`)],
    ['repo:octo/app:ref:main:foo:bar', refused('GITHUB_SUBJECT_SHORT_REF', `ref:main ${SHORT_REF} (and 1 more)`)],
  ])('several %j', check);

  // A value is shown up to 120 characters, then cut with `…`.
  it.each<Row>([
    [`repo:octo/app:ref:${REF_120}`, refused('GITHUB_SUBJECT_WHITESPACE', `ref:${REF_120} ${REF_SPACE}`)],
    [`repo:octo/app:ref:${REF_121}`, refused('GITHUB_SUBJECT_WHITESPACE', `ref:${REF_120}… ${REF_SPACE}`)],
  ])('long value %#', check);
});

/**
 * GitHub Actions OIDC subjects, one line per case: subjects as GitHub issues them (../shared/FACTS.md
 * "GitHub Actions and other OIDC issuers") and as people register them by mistake.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareGithubSubjects,
  githubSubjects,
  impossibleGithubSubject,
  parseGithubSubject,
  type GithubContextKind,
  type GithubSubject,
  type GithubSubjectForm,
  type GithubSubjectOptions,
} from '../../src/providers/oidc/github.js';

const WF = 'octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main';

function parsed(sub: string): GithubSubject {
  const result = parseGithubSubject(sub);
  if (!result.ok) throw new Error(`expected ${sub} to parse, got: ${result.reason}`);
  return result.subject;
}

describe('parseGithubSubject: what GitHub presents', () => {
  // [sub, owner, repo, ownerId, repoId, form, kind, value]
  const cases: Array<[string, string | null, string | null, string | null, string | null, GithubSubjectForm | null, GithubContextKind, string | null]> = [
    ['repo:octo-org/octo-repo:environment:prod', 'octo-org', 'octo-repo', null, null, 'mutable', 'environment', 'prod'],
    ['repo:octo-org/octo-repo:environment:Production', 'octo-org', 'octo-repo', null, null, 'mutable', 'environment', 'Production'],
    ['repo:octo-org/octo-repo:ref:refs/heads/main', 'octo-org', 'octo-repo', null, null, 'mutable', 'branch', 'main'],
    ['repo:octo-org/octo-repo:ref:refs/heads/feature/oidc-1', 'octo-org', 'octo-repo', null, null, 'mutable', 'branch', 'feature/oidc-1'],
    ['repo:octo-org/octo-repo:ref:refs/heads/gh-readonly-queue/main/pr-1-abc', 'octo-org', 'octo-repo', null, null, 'mutable', 'branch', 'gh-readonly-queue/main/pr-1-abc'],
    ['repo:octo-org/octo-repo:ref:refs/tags/v1.2.3', 'octo-org', 'octo-repo', null, null, 'mutable', 'tag', 'v1.2.3'],
    ['repo:octo-org/octo-repo:pull_request', 'octo-org', 'octo-repo', null, null, 'mutable', 'pull_request', null],
    ['repo:my.org/my_repo.js:ref:refs/heads/main', 'my.org', 'my_repo.js', null, null, 'mutable', 'branch', 'main'],
    [`repo:octo-org/octo-repo:job_workflow_ref:${WF}`, 'octo-org', 'octo-repo', null, null, 'mutable', 'job_workflow_ref', WF],
    [`repo:octo-org/octo-repo:environment:prod:job_workflow_ref:${WF}`, 'octo-org', 'octo-repo', null, null, 'mutable', 'job_workflow_ref', WF],
    // The immutable form (default since 2026-07-15 for new, renamed and transferred repositories).
    ['repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main', 'octo-org', 'octo-repo', '123456', '456789', 'immutable-at', 'branch', 'main'],
    ['repo:octo-org@123456/octo-repo@456789:environment:prod', 'octo-org', 'octo-repo', '123456', '456789', 'immutable-at', 'environment', 'prod'],
    ['repo:octo-org@123456/octo-repo@456789:pull_request', 'octo-org', 'octo-repo', '123456', '456789', 'immutable-at', 'pull_request', null],
    ['repo:octo-org@1/octo-repo@2:ref:refs/tags/v1', 'octo-org', 'octo-repo', '1', '2', 'immutable-at', 'tag', 'v1'],
    // The announced (reverted) hyphen form, as in GitHub's changelog of 2026-04-23.
    ['repo:octocat-123456/my-repo-456789:ref:refs/heads/main', 'octocat', 'my-repo', '123456', '456789', 'immutable-hyphen', 'branch', 'main'],
    ['repo:my-org-1/app-2:pull_request', 'my-org', 'app', '1', '2', 'immutable-hyphen', 'pull_request', null],
    // Custom templates (include_claim_keys).
    ['repo:octo-org/octo-repo', 'octo-org', 'octo-repo', null, null, 'mutable', 'custom', null],
    ['repo:octo-org/octo-repo:ref:refs/pull/42/merge', 'octo-org', 'octo-repo', null, null, 'mutable', 'custom', null],
    ['repo:octo-org/octo-repo:context:prod', 'octo-org', 'octo-repo', null, null, 'mutable', 'custom', null],
    ['repo:octo-org/octo-repo:ref:refs/heads/main:repository_visibility:private', 'octo-org', 'octo-repo', null, null, 'mutable', 'custom', null],
    ['actor:octocat:repo:octo-org/octo-repo:ref:refs/heads/main', 'octo-org', 'octo-repo', null, null, 'mutable', 'custom', null],
    ['repository_owner:octo-org:repository_visibility:private', null, null, null, null, null, 'custom', null],
    [`job_workflow_ref:${WF}`, null, null, null, null, null, 'job_workflow_ref', WF],
    ['repository_owner_id:123456:environment:prod', null, null, null, null, null, 'custom', null],
  ];

  it.each(cases)('%s', (sub, owner, repo, ownerId, repoId, form, kind, value) => {
    expect(parsed(sub)).toMatchObject({ owner, repo, ownerId, repoId, form, kind, value });
  });

  it('keeps every claim in order, and the environment, ref and job_workflow_ref apart', () => {
    expect(parsed(`repo:o/r:environment:prod:job_workflow_ref:${WF}`)).toMatchObject({
      environment: 'prod',
      ref: null,
      jobWorkflowRef: WF,
      claims: [{ key: 'repo', value: 'o/r' }, { key: 'environment', value: 'prod' }, { key: 'job_workflow_ref', value: WF }],
    });
    expect(parsed('repo:o/r:pull_request').claims).toEqual([{ key: 'repo', value: 'o/r' }, { key: 'pull_request', value: null }]);
  });
});

describe('parseGithubSubject: not a GitHub subject', () => {
  it.each<[string, RegExp]>([
    ['', /empty/],
    [' repo:o/r:pull_request', /whitespace/],
    ['repo:o/r:pull_request\n', /whitespace/],
    ['system:serviceaccount:data:loader', /"system" is not a claim name/],
    ['repo:o/r:pull-request', /"pull-request" is not a claim name/],
    ['repo:o/r:environment', /claim environment has no value/],
    ['repo:o/r:environment:a:b', /"b" is not a claim name/],
    ['repo:octo:ref:refs/heads/main', /repo:octo is not OWNER\/REPO/],
    ['repo:o/r/x:ref:refs/heads/main', /not OWNER\/REPO/],
    ['repo:o@x/r@1:ref:refs/heads/main', /not OWNER\/REPO or OWNER@ID\/REPO@ID/],
    ['repo:o@1/r:ref:refs/heads/main', /not OWNER\/REPO/],
    ['repo:o /r:pull_request', /not OWNER\/REPO/],
    ['https://github.com/o/r', /"https" is not a claim name/],
    ['Repo:o/r:pull_request', /"Repo" is not a claim name/],
  ])('%j: %s', (sub, reason) => {
    const result = parseGithubSubject(sub);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe('githubSubjects', () => {
  const subjects = (options: GithubSubjectOptions) => {
    const result = githubSubjects(options);
    if (!result.ok) throw new Error(result.error);
    return result.subjects.map((s) => s.subject);
  };

  it.each<[GithubSubjectOptions, string[]]>([
    [{ repo: 'octo/app', environment: 'prod' }, ['repo:octo/app:environment:prod']],
    [{ repo: 'octo/app', ref: 'refs/heads/main' }, ['repo:octo/app:ref:refs/heads/main']],
    [{ repo: 'octo/app', ref: 'refs/tags/v1.0' }, ['repo:octo/app:ref:refs/tags/v1.0']],
    [{ repo: 'octo/app', pullRequest: true }, ['repo:octo/app:pull_request']],
    [{ repo: 'octo/app', ownerId: 123, repoId: 456, environment: 'prod' }, ['repo:octo/app:environment:prod', 'repo:octo@123/app@456:environment:prod']],
    [{ repo: 'octo/app', ownerId: '123', repoId: '456', ref: 'refs/heads/main' }, ['repo:octo/app:ref:refs/heads/main', 'repo:octo@123/app@456:ref:refs/heads/main']],
    [{ repo: 'octo/app', ownerId: 1, repoId: 2, pullRequest: true, immutable: true }, ['repo:octo@1/app@2:pull_request']],
    [{ repo: 'octo/app', ownerId: 1, repoId: 2, pullRequest: true, immutable: false }, ['repo:octo/app:pull_request']],
    [{ repo: 'octocat-123456/my-repo-456789', pullRequest: true }, ['repo:octocat-123456/my-repo-456789:pull_request']],
  ])('%j → %j', (options, expected) => {
    expect(subjects(options)).toEqual(expected);
  });

  it('says when each form applies, and how to get the IDs when they are missing', () => {
    const both = githubSubjects({ repo: 'octo/app', ownerId: 1, repoId: 2, pullRequest: true });
    expect(both.ok && both.subjects.map((s) => [s.form, s.when])).toEqual([
      ['mutable', expect.stringMatching(/^repositories created before 2026-07-15 and never renamed or transferred since/)],
      ['immutable-at', expect.stringMatching(/^repositories created, renamed or transferred since 2026-07-15, and older ones that opted in/)],
    ]);
    expect(both.ok && both.notes).toEqual([]);
    const mutableOnly = githubSubjects({ repo: 'octo/app', pullRequest: true });
    expect(mutableOnly.ok && mutableOnly.notes).toEqual([expect.stringContaining('present repo:octo@<owner id>/app@<repository id>:pull_request instead; give the IDs')]);
  });

  it.each<[GithubSubjectOptions, RegExp]>([
    [{ repo: 'octo/app' }, /exactly one of an environment, a ref/],
    [{ repo: 'octo/app', environment: 'prod', pullRequest: true }, /exactly one/],
    [{ repo: 'octo/app', environment: 'prod', ref: 'refs/heads/main' }, /exactly one/],
    [{ repo: 'octo', pullRequest: true }, /repository "octo" is not OWNER\/REPO/],
    [{ repo: 'octo/app/x', pullRequest: true }, /not OWNER\/REPO/],
    [{ repo: 'octo@1/app@2', pullRequest: true }, /not OWNER\/REPO/],
    [{ repo: 'octo/app ', pullRequest: true }, /not OWNER\/REPO/],
    [{ repo: 'octo/app:x', pullRequest: true }, /not OWNER\/REPO/],
    [{ repo: 'octo/app', ref: 'main' }, /use refs\/heads\/main for a branch, refs\/tags\/main for a tag/],
    [{ repo: 'octo/app', ref: 'heads/main' }, /use refs\/heads\/main for a branch/],
    [{ repo: 'octo/app', ref: 'refs/heads/' }, /not a full branch or tag ref/],
    [{ repo: 'octo/app', ref: 'refs/pull/1/merge' }, /not a full branch or tag ref/],
    [{ repo: 'octo/app', ref: 'refs/heads/my branch' }, /not a full branch or tag ref/],
    [{ repo: 'octo/app', environment: '' }, /environment "" is empty/],
    [{ repo: 'octo/app', environment: ' prod' }, /surrounding spaces/],
    [{ repo: 'octo/app', environment: 'a:b' }, /a ':'/],
    [{ repo: 'octo/app', ownerId: 1, pullRequest: true }, /needs both the owner's and the repository's ID/],
    [{ repo: 'octo/app', ownerId: 'x1', repoId: 2, pullRequest: true }, /IDs are numbers/],
    [{ repo: 'octo/app', ownerId: -1, repoId: 2, pullRequest: true }, /IDs are numbers/],
    [{ repo: 'octo/app', pullRequest: true, immutable: true }, /needs the owner's and the repository's IDs/],
  ])('refuses %j', (options, error) => {
    const result = githubSubjects(options);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(error);
  });
});

describe('impossibleGithubSubject', () => {
  // [registered subject, code, the subject that would match (undefined: cannot be known)]
  it.each<[string, string, string | undefined]>([
    ['repo:octo/app:pull-request', 'GITHUB_SUBJECT_PULL_REQUEST_TYPO', 'repo:octo/app:pull_request'],
    ['repo:octo/app:pull_requests', 'GITHUB_SUBJECT_PULL_REQUEST_TYPO', 'repo:octo/app:pull_request'],
    ['repo:octo/app:pullrequest', 'GITHUB_SUBJECT_PULL_REQUEST_TYPO', 'repo:octo/app:pull_request'],
    ['repo:octo/app:Pull_Request', 'GITHUB_SUBJECT_PULL_REQUEST_TYPO', 'repo:octo/app:pull_request'],
    ['repo:octo/app:ref:main', 'GITHUB_SUBJECT_SHORT_REF', 'repo:octo/app:ref:refs/heads/main'],
    ['repo:octo/app:ref:heads/main', 'GITHUB_SUBJECT_SHORT_REF', 'repo:octo/app:ref:refs/heads/main'],
    ['repo:octo/app:ref:tags/v1', 'GITHUB_SUBJECT_SHORT_REF', 'repo:octo/app:ref:refs/tags/v1'],
    ['repo:octo/app:ref:refs/head/main', 'GITHUB_SUBJECT_REF_TYPO', 'repo:octo/app:ref:refs/heads/main'],
    ['repo:octo/app:ref:refs/tag/v1', 'GITHUB_SUBJECT_REF_TYPO', 'repo:octo/app:ref:refs/tags/v1'],
    ['repo:octo/app:ref:refs/Heads/main', 'GITHUB_SUBJECT_REF_TYPO', 'repo:octo/app:ref:refs/heads/main'],
    ['repo:octo/app:ref:ref/heads/main', 'GITHUB_SUBJECT_REF_TYPO', 'repo:octo/app:ref:refs/heads/main'],
    ['repo:octo/app:refs/heads/main', 'GITHUB_SUBJECT_MISSING_REF_KEY', 'repo:octo/app:ref:refs/heads/main'],
    ['repo:octo/app:heads/main', 'GITHUB_SUBJECT_MISSING_REF_KEY', 'repo:octo/app:ref:refs/heads/main'],
    ['repo:octo/app:environment:', 'GITHUB_SUBJECT_EMPTY_VALUE', undefined],
    ['repo:octo/app:environment', 'GITHUB_SUBJECT_EMPTY_VALUE', undefined],
    ['repo:octo/app:ref:refs/heads/', 'GITHUB_SUBJECT_EMPTY_VALUE', undefined],
    ['repo:octo/app:ref:', 'GITHUB_SUBJECT_EMPTY_VALUE', undefined],
    ['repo:octo/app:', 'GITHUB_SUBJECT_STRAY_COLON', undefined],
    ['repo:octo/app::ref:refs/heads/main', 'GITHUB_SUBJECT_STRAY_COLON', 'repo:octo/app:ref:refs/heads/main'],
    [':repo:octo/app:pull_request', 'GITHUB_SUBJECT_STRAY_COLON', 'repo:octo/app:pull_request'],
    ['repo::ref:refs/heads/main', 'GITHUB_SUBJECT_NO_REPO', undefined],
    ['repo:app:ref:refs/heads/main', 'GITHUB_SUBJECT_NO_REPO', undefined],
    ['repo:/app:pull_request', 'GITHUB_SUBJECT_NO_REPO', undefined],
    ['repo:octo/:pull_request', 'GITHUB_SUBJECT_NO_REPO', undefined],
    ['octo/app:ref:refs/heads/main', 'GITHUB_SUBJECT_NO_REPO', 'repo:octo/app:ref:refs/heads/main'],
    ['repo:octo@12/app:ref:refs/heads/main', 'GITHUB_SUBJECT_BAD_ID', undefined],
    ['repo:octo@x/app@1:pull_request', 'GITHUB_SUBJECT_BAD_ID', undefined],
    [' repo:octo/app:pull_request', 'GITHUB_SUBJECT_WHITESPACE', 'repo:octo/app:pull_request'],
    ['repo:octo/app:pull_request ', 'GITHUB_SUBJECT_WHITESPACE', 'repo:octo/app:pull_request'],
    ['repo:octo/app: ref:refs/heads/main', 'GITHUB_SUBJECT_WHITESPACE', 'repo:octo/app:ref:refs/heads/main'],
    ['repo: octo/app:environment:prod', 'GITHUB_SUBJECT_WHITESPACE', 'repo:octo/app:environment:prod'],
    ['repo:octo / app:environment:prod', 'GITHUB_SUBJECT_WHITESPACE', 'repo:octo/app:environment:prod'],
    ['repo:octo/app:environment:prod ', 'GITHUB_SUBJECT_WHITESPACE', 'repo:octo/app:environment:prod'],
    ['repo:octo/app:ref:refs/heads/my branch', 'GITHUB_SUBJECT_WHITESPACE', undefined],
    ['Repo:octo/app:environment:prod', 'GITHUB_SUBJECT_KEY_CASE', 'repo:octo/app:environment:prod'],
    ['REPO:octo/app:REF:refs/heads/main', 'GITHUB_SUBJECT_KEY_CASE', 'repo:octo/app:ref:refs/heads/main'],
    ['repo:octo/app:Environment:prod', 'GITHUB_SUBJECT_KEY_CASE', 'repo:octo/app:environment:prod'],
    ['repo:octo/app:enviroment:prod', 'GITHUB_SUBJECT_UNKNOWN_CLAIM', 'repo:octo/app:environment:prod'],
    ['repos:octo/app:pull_request', 'GITHUB_SUBJECT_UNKNOWN_CLAIM', 'repo:octo/app:pull_request'],
    ['repo:octo/app:reff:refs/heads/main', 'GITHUB_SUBJECT_UNKNOWN_CLAIM', 'repo:octo/app:ref:refs/heads/main'],
    // Several mistakes at once: the first is named, all are fixed.
    [' Repo:octo/app:pull-request', 'GITHUB_SUBJECT_WHITESPACE', 'repo:octo/app:pull_request'],
    // Under a trailing wildcard only what it does not cut is checked.
    ['repo:octo/app:ref:main*', 'GITHUB_SUBJECT_SHORT_REF', 'repo:octo/app:ref:refs/heads/main*'],
    ['repo:octo/app:pull-request:*', 'GITHUB_SUBJECT_PULL_REQUEST_TYPO', 'repo:octo/app:pull_request:*'],
    ['Repo:octo/app:*', 'GITHUB_SUBJECT_KEY_CASE', 'repo:octo/app:*'],
  ])('%j → %s', (registered, code, subject) => {
    const trap = impossibleGithubSubject(registered);
    expect(trap).toMatchObject({ code, severity: 'error', message: expect.stringMatching(/^no GitHub workflow presents this subject: /) });
    expect(trap?.subject).toBe(subject);
    expect(trap?.fix).toEqual(subject === undefined ? expect.any(String) : `Register the subject a workflow presents: ${subject}`);
    expect(trap?.message).not.toContain('\n');
  });

  it.each([
    ['repo:octo/app:foo:bar', 'GITHUB_SUBJECT_UNKNOWN_CLAIM'],
    ['https://github.com/octo/app', 'GITHUB_SUBJECT_UNKNOWN_CLAIM'],
  ])('warns (does not refuse) for a claim GitHub does not document: %j', (registered, code) => {
    expect(impossibleGithubSubject(registered)).toMatchObject({ code, severity: 'warn', message: expect.stringMatching(/^GitHub may never present this subject: /) });
  });

  it.each([
    'repo:octo/app:environment:prod',
    'repo:octo/app:environment:Production Deploy',
    'repo:octo/app:environment:pull_request',
    'repo:octo/app:ref:refs/heads/main',
    'repo:octo/app:ref:refs/heads/feature/x',
    'repo:octo/app:ref:refs/tags/v1.2.3',
    'repo:octo/app:ref:refs/pull/42/merge',
    'repo:octo/app:pull_request',
    'repo:octo@123/app@456:ref:refs/heads/main',
    'repo:octocat-123456/my-repo-456789:ref:refs/heads/main',
    'repo:octo/app',
    `repo:octo/app:environment:prod:job_workflow_ref:${WF}`,
    `job_workflow_ref:${WF}`,
    'repository_owner:octo-org:repository_visibility:private',
    'repo:octo/app:*',
    'repo:octo/app:ref:refs/heads/*',
    'repo:octo/app:ref:refs/he*',
    'repo:octo/app:ref:*',
    'repo:octo/*',
    '*',
  ])('%j: some workflow can present it', (registered) => {
    expect(impossibleGithubSubject(registered)).toBeUndefined();
  });
});

describe('compareGithubSubjects', () => {
  // [presented by the workflow, registered, codes]
  it.each<[string, string, string[]]>([
    ['repo:octo/app:environment:prod', 'repo:octo/app:ref:refs/heads/main', ['GITHUB_SUBJECT_ENVIRONMENT']],
    ['repo:octo/app:environment:prod', 'repo:octo/app:pull_request', ['GITHUB_SUBJECT_ENVIRONMENT']],
    ['repo:octo/app:ref:refs/heads/main', 'repo:octo/app:environment:prod', ['GITHUB_SUBJECT_NO_ENVIRONMENT']],
    ['repo:octo/app:pull_request', 'repo:octo/app:environment:prod', ['GITHUB_SUBJECT_NO_ENVIRONMENT']],
    ['repo:octo/app:pull_request', 'repo:octo/app:ref:refs/heads/main', ['GITHUB_SUBJECT_PULL_REQUEST']],
    ['repo:octo/app:ref:refs/heads/feature', 'repo:octo/app:pull_request', ['GITHUB_SUBJECT_PULL_REQUEST']],
    ['repo:octo/app:ref:refs/tags/v1', 'repo:octo/app:ref:refs/heads/v1', ['GITHUB_SUBJECT_BRANCH_VS_TAG']],
    ['repo:octo/app:ref:refs/heads/main', 'repo:octo/app:ref:refs/tags/main', ['GITHUB_SUBJECT_BRANCH_VS_TAG']],
    ['repo:octo/app:ref:refs/heads/main', 'repo:octo/app:ref:refs/heads/master', ['GITHUB_SUBJECT_VALUE_DIFFERS']],
    ['repo:octo/app:environment:staging', 'repo:octo/app:environment:prod', ['GITHUB_SUBJECT_VALUE_DIFFERS']],
    ['repo:octo/app:ref:refs/pull/1/merge', 'repo:octo/app:ref:refs/heads/main', ['GITHUB_SUBJECT_VALUE_DIFFERS']],
    ['repo:octo/app:environment:Prod', 'repo:octo/app:environment:prod', ['GITHUB_SUBJECT_CASE_DIFFERS']],
    ['repo:Octo/App:pull_request', 'repo:octo/app:pull_request', ['GITHUB_SUBJECT_CASE_DIFFERS']],
    ['repo:Octo/app:environment:prod', 'repo:octo/app:ref:refs/heads/main', ['GITHUB_SUBJECT_CASE_DIFFERS', 'GITHUB_SUBJECT_ENVIRONMENT']],
    // The immutable form.
    ['repo:octo@1/app@2:ref:refs/heads/main', 'repo:octo/app:ref:refs/heads/main', ['GITHUB_SUBJECT_NEEDS_IMMUTABLE']],
    ['repo:octo@1/app@2:environment:prod', 'repo:octo/app:ref:refs/heads/main', ['GITHUB_SUBJECT_NEEDS_IMMUTABLE', 'GITHUB_SUBJECT_ENVIRONMENT']],
    ['repo:octo/app:ref:refs/heads/main', 'repo:octo@1/app@2:ref:refs/heads/main', ['GITHUB_SUBJECT_NOT_IMMUTABLE']],
    ['repo:octo@1/app@2:ref:refs/heads/main', 'repo:octo-1/app-2:ref:refs/heads/main', ['GITHUB_SUBJECT_HYPHEN_FORM']],
    ['repo:octo/app:ref:refs/heads/main', 'repo:octo-1/app-2:ref:refs/heads/main', ['GITHUB_SUBJECT_HYPHEN_FORM']],
    ['repo:my-org-1@5/app-2@6:pull_request', 'repo:my-org-1/app-2:pull_request', ['GITHUB_SUBJECT_NEEDS_IMMUTABLE']],
    ['repo:my-org-1/app-2:pull_request', 'repo:my-org-1@5/app-2@6:pull_request', ['GITHUB_SUBJECT_NOT_IMMUTABLE']],
    ['repo:octo@1/app@2:ref:refs/heads/main', 'repo:octo@1/app@3:ref:refs/heads/main', ['GITHUB_SUBJECT_ID_DIFFERS']],
    ['repo:new-name@1/app@2:pull_request', 'repo:octo@1/app@2:pull_request', ['GITHUB_SUBJECT_RENAMED']],
    ['repo:octo/other:pull_request', 'repo:octo/app:pull_request', ['GITHUB_SUBJECT_REPO_DIFFERS']],
    ['repo:octo@1/other@3:pull_request', 'repo:octo@1/app@2:pull_request', ['GITHUB_SUBJECT_REPO_DIFFERS']],
    // Custom templates.
    [`repo:octo/app:environment:prod:job_workflow_ref:${WF}`, 'repo:octo/app:environment:prod', ['GITHUB_SUBJECT_CUSTOM_TEMPLATE']],
    [`repo:octo/app:environment:prod:job_workflow_ref:${WF}`, 'repo:octo/app:ref:refs/heads/main', ['GITHUB_SUBJECT_CUSTOM_TEMPLATE', 'GITHUB_SUBJECT_ENVIRONMENT']],
    ['repo:octo/app:environment:prod', `repo:octo/app:environment:prod:job_workflow_ref:${WF}`, ['GITHUB_SUBJECT_CUSTOM_TEMPLATE']],
    [`repo:octo/app:job_workflow_ref:${WF}`, 'repo:octo/app:job_workflow_ref:octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/dev', ['GITHUB_SUBJECT_VALUE_DIFFERS']],
    ['repository_owner:octo-org:repository_visibility:private', 'repo:octo-org/app:ref:refs/heads/main', ['GITHUB_SUBJECT_CUSTOM_TEMPLATE']],
    // A registration no workflow presents: named as such.
    ['repo:octo/app:pull_request', 'repo:octo/app:pull-request', ['GITHUB_SUBJECT_PULL_REQUEST_TYPO']],
    ['repo:octo/app:ref:refs/heads/main', 'repo:octo/app:ref:main', ['GITHUB_SUBJECT_SHORT_REF']],
    ['repo:octo/app:ref:refs/heads/main', 'repo:octo/app:ref:refs/head/main', ['GITHUB_SUBJECT_REF_TYPO']],
    ['repo:octo/app:environment:prod', 'repo:octo/app:environment:', ['GITHUB_SUBJECT_EMPTY_VALUE']],
    // A trailing wildcard: only what it does not cut compares.
    ['repo:octo/app:pull_request', 'repo:other/app:*', ['GITHUB_SUBJECT_REPO_DIFFERS']],
    ['repo:octo@1/app@2:pull_request', 'repo:octo/app:*', ['GITHUB_SUBJECT_NEEDS_IMMUTABLE']],
    ['repo:octo/app:pull_request', 'repo:octo/app:ref:*', ['GITHUB_SUBJECT_DIFFERS']],
    // Nothing more specific to say.
    ['repo:octo/app:pull_request', 'system:serviceaccount:ns:sa', ['GITHUB_SUBJECT_DIFFERS']],
    ['repo:octo/app:pull_request', 'repo:octo/app:foo:bar', ['GITHUB_SUBJECT_DIFFERS']],
  ])('%s presented, %s registered → %j', (presented, registered, codes) => {
    const traps = compareGithubSubjects(presented, registered);
    expect(traps.map((t) => t.code)).toEqual(codes);
    for (const trap of traps) {
      expect(trap.subject).toBe(presented);
      expect(trap.fix).toMatch(new RegExp(`^Register the subject this workflow presents: ${presented.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\n|$)`));
      expect(trap.message).not.toContain('\n');
    }
  });

  it('is empty when the subjects are equal, and offers the environment as the other fix', () => {
    expect(compareGithubSubjects('repo:o/r:pull_request', 'repo:o/r:pull_request')).toEqual([]);
    expect(compareGithubSubjects('repo:o/r:ref:refs/heads/main', 'repo:o/r:environment:prod')[0]?.fix).toBe(
      'Register the subject this workflow presents: repo:o/r:ref:refs/heads/main\nor give the job `environment: prod` so that it presents the registered subject',
    );
  });

  it('says which form a repository gets, in words', () => {
    expect(compareGithubSubjects('repo:octo@1/app@2:pull_request', 'repo:octo/app:pull_request')[0]?.message).toBe(
      'this repository gets the immutable form repo:octo@1/app@2 (created, renamed or transferred since 2026-07-15, or opted in), not repo:octo/app',
    );
    expect(compareGithubSubjects('repo:o/r:environment:prod', 'repo:o/r:ref:refs/heads/main')[0]?.message).toBe(
      'the job uses the environment prod: GitHub presents environment:prod instead of ref:refs/heads/main (an environment wins)',
    );
    expect(compareGithubSubjects('repo:o/r:environment:Prod', 'repo:o/r:environment:prod')[0]).toMatchObject({
      severity: 'warn',
      message: expect.stringContaining('whether Snowflake compares SUBJECT case-sensitively is not documented'),
    });
  });
});

// --- properties --------------------------------------------------------------------------------

const nameChar = fc.constantFrom(...'abcXYZ019-_.');
const name = fc.string({ unit: nameChar, minLength: 1, maxLength: 12 });
const id = fc.integer({ min: 0, max: 2 ** 40 });
const refName = fc.string({ unit: fc.constantFrom(...'abz09-_./@'), minLength: 1, maxLength: 16 });
const envName = fc.string({ unit: fc.constantFrom(...'abZ0 -_./'), minLength: 1, maxLength: 12 }).filter((e) => e === e.trim());
const context = fc.oneof(
  envName.map((environment) => ({ environment })),
  refName.map((branch) => ({ ref: `refs/heads/${branch}` })),
  refName.map((tag) => ({ ref: `refs/tags/${tag}` })),
  fc.constant({ pullRequest: true }),
);
const options = fc.record({ owner: name, repo: name, ownerId: id, repoId: id, context }).map(
  ({ owner, repo, ownerId, repoId, context }): GithubSubjectOptions => ({ repo: `${owner}/${repo}`, ownerId, repoId, ...context }),
);

describe('githubSubjects properties', () => {
  it('every subject it generates parses back to the same parts, and is one some workflow presents', () => {
    fc.assert(
      fc.property(options, (opts) => {
        const result = githubSubjects(opts);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const [owner, repo] = opts.repo.split('/');
        const kind = opts.pullRequest ? 'pull_request' : opts.environment !== undefined ? 'environment' : opts.ref?.startsWith('refs/heads/') ? 'branch' : 'tag';
        const value = opts.environment ?? opts.ref?.replace(/^refs\/(heads|tags)\//, '') ?? null;
        for (const candidate of result.subjects) {
          const s = parsed(candidate.subject);
          expect(s).toMatchObject({ kind, value });
          expect(impossibleGithubSubject(candidate.subject)).toBeUndefined();
          if (candidate.form === 'immutable-at') {
            expect(s).toMatchObject({ form: 'immutable-at', owner, repo, ownerId: String(opts.ownerId), repoId: String(opts.repoId) });
          } else if (s.form === 'immutable-hyphen') {
            // Names ending in -<digits> read like the announced form: the same text either way.
            expect([`${s.owner}-${s.ownerId}`, `${s.repo}-${s.repoId}`]).toEqual([owner, repo]);
          } else {
            expect(s).toMatchObject({ form: 'mutable', owner, repo });
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('the two forms of one repository differ only by form, and the fix is always the presented subject', () => {
    fc.assert(
      fc.property(options, (opts) => {
        const result = githubSubjects(opts);
        if (!result.ok) return;
        const [mutable, immutable] = result.subjects.map((s) => s.subject);
        if (mutable === undefined || immutable === undefined) throw new Error('expected both forms');
        expect(compareGithubSubjects(immutable, mutable).map((t) => t.code)).toEqual(['GITHUB_SUBJECT_NEEDS_IMMUTABLE']);
        expect(compareGithubSubjects(mutable, immutable).map((t) => t.code)).toEqual(['GITHUB_SUBJECT_NOT_IMMUTABLE']);
        expect(compareGithubSubjects(mutable, mutable)).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('compares any two generated subjects with at least one trap whose fix is the presented one', () => {
    fc.assert(
      fc.property(options, options, (a, b) => {
        const [pa, pb] = [githubSubjects(a), githubSubjects(b)];
        if (!pa.ok || !pb.ok) return;
        const presented = pa.subjects[1]?.subject ?? '';
        const registered = pb.subjects[0]?.subject ?? '';
        const traps = compareGithubSubjects(presented, registered);
        expect(traps.length > 0).toBe(presented !== registered);
        for (const trap of traps) expect(trap.subject).toBe(presented);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('impossibleGithubSubject properties', () => {
  const pieces = fc.constantFrom('repo', 'Repo', 'octo/app', 'octo@1/app@2', 'o', ' ', ':', '::', 'ref', 'refs/heads/main', 'refs/head/x', 'heads/x', 'main', 'environment', 'enviroment', 'prod', '', 'pull_request', 'pull-request', 'job_workflow_ref', 'a/b/.github/workflows/x.yml@refs/heads/main', '*', '@', '/');
  const subject = fc.array(pieces, { maxLength: 8 }).map((parts) => parts.join(':'));

  it('never throws, says one line, and the subject it offers is one a workflow presents', () => {
    fc.assert(
      fc.property(fc.oneof(subject, fc.string({ maxLength: 40 })), (registered) => {
        const trap = impossibleGithubSubject(registered);
        if (!trap) return;
        expect(trap.message).not.toMatch(/[\n\r]/);
        if (trap.subject !== undefined) {
          expect(trap.subject).not.toBe(registered);
          expect(impossibleGithubSubject(trap.subject)?.severity).not.toBe('error');
        }
      }),
      { numRuns: 5000 },
    );
  });
});

describe('compareGithubSubjects with hostile subjects', () => {
  it('never throws and keeps every message on one line', () => {
    const hostile = fc.string({ unit: fc.constantFrom('repo', ':', 'o/r', 'environment', 'ref', 'refs/heads/', 'pull_request', '\n', '\u001b[2J', '\u2028', '@1', '-2', 'x'), maxLength: 10 });
    fc.assert(
      fc.property(hostile, hostile, (presented, registered) => {
        for (const trap of compareGithubSubjects(presented, registered)) expect(trap.message).not.toMatch(/[\n\r\u001b\u2028]/);
      }),
      { numRuns: 3000 },
    );
  });
});

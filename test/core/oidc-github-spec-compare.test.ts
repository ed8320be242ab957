/**
 * The specification of why a GitHub Actions subject does not match the registered one
 * (compareGithubSubjects), and of what impossibleGithubSubject says about a registration no workflow
 * presents: one line per pair of subjects, with every trap in full (code, severity, message, fix,
 * subject). Sources: ../shared/FACTS.md "GitHub Actions and other OIDC issuers" (the default
 * template, the immutable `@` form since 2026-07-15, the announced and reverted hyphen form, custom
 * templates from include_claim_keys).
 */
import { describe, expect, it } from 'vitest';
import { compareGithubSubjects, impossibleGithubSubject } from '../../src/providers/oidc/github.js';
import type { Trap } from '../../src/providers/types.js';

const WF = 'octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main';
const WF_DEV = 'octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/dev';
/** A reusable workflow whose job_workflow_ref is longer than a message shows (120 characters). */
const LONG_WF = 'octo-org/octo-automation/.github/workflows/deploy-production-with-manual-approval-and-oidc.yml@refs/heads/release/2026.1';
const LONG_WF_NEXT = LONG_WF.replace('2026.1', '2026.2');

const CASE_ONLY = 'whether Snowflake compares SUBJECT case-sensitively is not documented: register exactly what the token carries';
const HYPHEN_ANNOUNCED = 'the OWNER-ID/REPO-ID form was only announced (GitHub changelog 2026-04-23, later reverted); tokens carry the @ form or the mutable one';
const NEEDS_IMMUTABLE = (presented: string, registered: string) =>
  `this repository gets the immutable form ${presented} (created, renamed or transferred since 2026-07-15, or opted in), not ${registered}`;
const NOT_IMMUTABLE = (presented: string, registered: string) =>
  `this repository's tokens carry the mutable form ${presented}, not ${registered}: it has not opted in to immutable subjects (or runs on GitHub Enterprise Server)`;
const WHOAMI_FIX = 'Register the subject the token carries (wif-check whoami --provider oidc shows it).';

/** One expected trap, before the fix and subject every compareGithubSubjects trap shares. */
interface Want {
  code: string;
  severity: 'error' | 'warn';
  message: string;
  /** A second line of the fix, after "Register the subject this workflow presents: …". */
  alternative?: string;
}
const error = (code: string, message: string, alternative?: string): Want => ({ code, severity: 'error', message, ...(alternative ? { alternative } : {}) });
const warn = (code: string, message: string): Want => ({ code, severity: 'warn', message });

/** Every trap's fix is the presented subject (plus the alternative), and its subject the presented one. */
function traps(presented: string, wants: Want[]): Trap[] {
  const register = `Register the subject this workflow presents: ${presented}`;
  return wants.map(({ code, severity, message, alternative }) => ({
    code,
    severity,
    message,
    fix: alternative ? `${register}\n${alternative}` : register,
    subject: presented,
  }));
}

const cases = (rows: Array<[string, string, Want[]]>) => rows;
const check = (presented: string, registered: string, wants: Want[]) => {
  expect(compareGithubSubjects(presented, registered)).toEqual(traps(presented, wants));
};

describe('compareGithubSubjects: equal subjects, and subjects that differ only in letter case', () => {
  it.each(cases([
    // Equal: nothing to say.
    ['repo:octo/app:pull_request', 'repo:octo/app:pull_request', []],
    ['repo:octo@1/app@2:environment:prod', 'repo:octo@1/app@2:environment:prod', []],
    // The whole subject differs only in letter case: one warning, whichever part it is in.
    ['repo:octo/app:environment:Prod', 'repo:octo/app:environment:prod', [warn('GITHUB_SUBJECT_CASE_DIFFERS', `the subjects differ only in letter case: ${CASE_ONLY}`)]],
    ['repo:Octo-Org/App:pull_request', 'repo:octo-org/app:pull_request', [warn('GITHUB_SUBJECT_CASE_DIFFERS', `the subjects differ only in letter case: ${CASE_ONLY}`)]],
    ['repo:octo/app:ref:refs/heads/Main', 'repo:octo/app:ref:refs/heads/main', [warn('GITHUB_SUBJECT_CASE_DIFFERS', `the subjects differ only in letter case: ${CASE_ONLY}`)]],
  ]))('%s presented, %s registered', check);
});

describe('compareGithubSubjects: the repository', () => {
  it.each(cases([
    // Both mutable: another repository, or the same one in other letter case (then the rest is compared too).
    ['repo:octo/other:pull_request', 'repo:octo/app:pull_request', [error('GITHUB_SUBJECT_REPO_DIFFERS', 'the token comes from repo:octo/other, the registration names repo:octo/app')]],
    ['repo:Octo/app:environment:prod', 'repo:octo/app:ref:refs/heads/main', [
      warn('GITHUB_SUBJECT_CASE_DIFFERS', `repo:Octo/app and repo:octo/app differ only in letter case: ${CASE_ONLY}`),
      error('GITHUB_SUBJECT_ENVIRONMENT', 'the job uses the environment prod: GitHub presents environment:prod instead of ref:refs/heads/main (an environment wins)'),
    ]],
    // Both immutable (@): renamed or transferred (same IDs), the name taken by another repository (same names), another repository, letter case.
    ['repo:new-name@1/app@2:pull_request', 'repo:octo@1/app@2:pull_request', [
      error('GITHUB_SUBJECT_RENAMED', 'same repository IDs, other names: the owner or repository was renamed or transferred, and tokens now carry repo:new-name@1/app@2'),
    ]],
    ['repo:octo@1/app@2:ref:refs/heads/main', 'repo:octo@1/app@3:ref:refs/heads/main', [
      error('GITHUB_SUBJECT_ID_DIFFERS', "the registered IDs (repo:octo@1/app@3) are not this repository's (repo:octo@1/app@2): the name now belongs to another owner or repository"),
    ]],
    ['repo:octo@1/other@3:pull_request', 'repo:octo@1/app@2:pull_request', [error('GITHUB_SUBJECT_REPO_DIFFERS', 'the token comes from repo:octo@1/other@3, the registration names repo:octo@1/app@2')]],
    ['repo:Octo@1/app@2:environment:prod', 'repo:octo@1/app@2:environment:staging', [
      warn('GITHUB_SUBJECT_CASE_DIFFERS', `repo:Octo@1/app@2 and repo:octo@1/app@2 differ only in letter case: ${CASE_ONLY}`),
      error('GITHUB_SUBJECT_VALUE_DIFFERS', 'the workflow presents environment:prod, the registration names environment:staging'),
    ]],
    // One immutable, one mutable: another repository whatever the form, or the form the repository does not get.
    ['repo:octo@1/app@2:pull_request', 'repo:other/app:pull_request', [error('GITHUB_SUBJECT_REPO_DIFFERS', 'the token comes from repo:octo@1/app@2, the registration names repo:other/app')]],
    ['repo:octo/app:pull_request', 'repo:other@3/app@2:pull_request', [error('GITHUB_SUBJECT_REPO_DIFFERS', 'the token comes from repo:octo/app, the registration names repo:other@3/app@2')]],
    ['repo:octo@1/app@2:ref:refs/heads/main', 'repo:octo/app:ref:refs/heads/main', [
      error('GITHUB_SUBJECT_NEEDS_IMMUTABLE', NEEDS_IMMUTABLE('repo:octo@1/app@2', 'repo:octo/app')),
    ]],
    ['repo:Octo@1/app@2:ref:refs/heads/main', 'repo:octo/app:ref:refs/heads/main', [
      error('GITHUB_SUBJECT_NEEDS_IMMUTABLE', NEEDS_IMMUTABLE('repo:Octo@1/app@2', 'repo:octo/app')),
    ]],
    ['repo:octo/app:ref:refs/heads/main', 'repo:octo@1/app@2:ref:refs/heads/main', [
      error('GITHUB_SUBJECT_NOT_IMMUTABLE', NOT_IMMUTABLE('repo:octo/app', 'repo:octo@1/app@2')),
    ]],
    // The announced hyphen form, registered, against the @ form or the mutable one the token carries.
    ['repo:octo@1/app@2:ref:refs/heads/main', 'repo:octo-1/app-2:ref:refs/heads/main', [
      error('GITHUB_SUBJECT_HYPHEN_FORM', `the registration uses repo:octo-1/app-2, the token carries repo:octo@1/app@2: ${HYPHEN_ANNOUNCED}`),
    ]],
    ['repo:octo/app:ref:refs/heads/main', 'repo:octo-1/app-2:ref:refs/heads/main', [
      error('GITHUB_SUBJECT_HYPHEN_FORM', `the registration uses repo:octo-1/app-2, the token carries repo:octo/app: ${HYPHEN_ANNOUNCED}`),
    ]],
    // No token carries the hyphen form: a presented repo:octo-1/app-2 is the repository app-2 of the
    // owner octo-1 (names that end in -<digits>), another repository than octo/app or octo@1/app@2.
    ['repo:octo-1/app-2:ref:refs/heads/main', 'repo:octo/app:ref:refs/heads/main', [
      error('GITHUB_SUBJECT_REPO_DIFFERS', 'the token comes from repo:octo-1/app-2, the registration names repo:octo/app'),
    ]],
    ['repo:octo-1/app-2:ref:refs/heads/main', 'repo:octo@1/app@2:ref:refs/heads/main', [
      error('GITHUB_SUBJECT_REPO_DIFFERS', 'the token comes from repo:octo-1/app-2, the registration names repo:octo@1/app@2'),
    ]],
    // Both sides read as the hyphen form: names, not IDs, so two repositories (not a rename of one,
    // nor one name taken by another), and letter case is still only letter case.
    ['repo:my-org-1/app-2:pull_request', 'repo:your-org-1/app-2:pull_request', [
      error('GITHUB_SUBJECT_REPO_DIFFERS', 'the token comes from repo:my-org-1/app-2, the registration names repo:your-org-1/app-2'),
    ]],
    ['repo:octo-1/app-2:pull_request', 'repo:octo-3/app-4:pull_request', [
      error('GITHUB_SUBJECT_REPO_DIFFERS', 'the token comes from repo:octo-1/app-2, the registration names repo:octo-3/app-4'),
    ]],
    ['repo:Octo-1/App-2:environment:prod', 'repo:octo-1/app-2:ref:refs/heads/main', [
      warn('GITHUB_SUBJECT_CASE_DIFFERS', `repo:Octo-1/App-2 and repo:octo-1/app-2 differ only in letter case: ${CASE_ONLY}`),
      error('GITHUB_SUBJECT_ENVIRONMENT', 'the job uses the environment prod: GitHub presents environment:prod instead of ref:refs/heads/main (an environment wins)'),
    ]],
    // Names that end in -<digits> (my-org-1/app-2) are names when the other side names them so.
    ['repo:my-org-1@5/app-2@6:pull_request', 'repo:my-org-1/app-2:pull_request', [
      error('GITHUB_SUBJECT_NEEDS_IMMUTABLE', NEEDS_IMMUTABLE('repo:my-org-1@5/app-2@6', 'repo:my-org-1/app-2')),
    ]],
    ['repo:my-org-1/app-2:pull_request', 'repo:my-org-1@5/app-2@6:pull_request', [
      error('GITHUB_SUBJECT_NOT_IMMUTABLE', NOT_IMMUTABLE('repo:my-org-1/app-2', 'repo:my-org-1@5/app-2@6')),
    ]],
    ['repo:Octo-1/app-2:environment:prod', 'repo:octo-1/app-2:environment:staging', [
      warn('GITHUB_SUBJECT_CASE_DIFFERS', `repo:Octo-1/app-2 and repo:octo-1/app-2 differ only in letter case: ${CASE_ONLY}`),
      error('GITHUB_SUBJECT_VALUE_DIFFERS', 'the workflow presents environment:prod, the registration names environment:staging'),
    ]],
    // A side without a repo claim (a custom template): the repositories are not compared, the templates are.
    [`repo:octo/app:job_workflow_ref:${WF}`, `job_workflow_ref:${WF}`, [
      error('GITHUB_SUBJECT_CUSTOM_TEMPLATE', 'this repository (or its organisation) uses a custom subject template (repo, job_workflow_ref), the registration follows another (job_workflow_ref)'),
    ]],
    ['repository_owner:octo-org:repository_visibility:private', 'repo:octo-org/app:ref:refs/heads/main', [
      error('GITHUB_SUBJECT_CUSTOM_TEMPLATE', 'this repository (or its organisation) uses a custom subject template (repository_owner, repository_visibility), the registration follows another (repo, context)'),
    ]],
  ]))('%s presented, %s registered', check);
});

describe('compareGithubSubjects: the context (environment, branch, tag, other ref, pull request)', () => {
  it.each(cases([
    // An environment wins over the ref and the pull request.
    ['repo:octo/app:environment:prod', 'repo:octo/app:ref:refs/heads/main', [
      error('GITHUB_SUBJECT_ENVIRONMENT', 'the job uses the environment prod: GitHub presents environment:prod instead of ref:refs/heads/main (an environment wins)'),
    ]],
    ['repo:octo/app:environment:prod', 'repo:octo/app:pull_request', [
      error('GITHUB_SUBJECT_ENVIRONMENT', 'the job uses the environment prod: GitHub presents environment:prod instead of pull_request (an environment wins)'),
    ]],
    // An environment registered for a job without one: the other fix is to give the job that environment.
    ['repo:octo/app:ref:refs/heads/main', 'repo:octo/app:environment:prod', [
      error('GITHUB_SUBJECT_NO_ENVIRONMENT', 'the registration names environment:prod, but the job uses no environment: GitHub presents ref:refs/heads/main', 'or give the job `environment: prod` so that it presents the registered subject'),
    ]],
    ['repo:octo/app:pull_request', 'repo:octo/app:environment:Production Deploy', [
      error('GITHUB_SUBJECT_NO_ENVIRONMENT', 'the registration names environment:Production Deploy, but the job uses no environment: GitHub presents pull_request', 'or give the job `environment: Production Deploy` so that it presents the registered subject'),
    ]],
    // Pull request against a branch, either way round.
    ['repo:octo/app:pull_request', 'repo:octo/app:ref:refs/heads/main', [error('GITHUB_SUBJECT_PULL_REQUEST', 'the run is a pull request: GitHub presents pull_request, not ref:refs/heads/main')]],
    ['repo:octo/app:ref:refs/heads/feature', 'repo:octo/app:pull_request', [
      error('GITHUB_SUBJECT_PULL_REQUEST', 'the registration is for pull requests, but the run is not one: GitHub presents ref:refs/heads/feature'),
    ]],
    // A branch against a tag of the same name, either way round.
    ['repo:octo/app:ref:refs/tags/v1', 'repo:octo/app:ref:refs/heads/v1', [error('GITHUB_SUBJECT_BRANCH_VS_TAG', 'the run is for a tag (ref:refs/tags/v1), the registration names a branch (ref:refs/heads/v1)')]],
    ['repo:octo/app:ref:refs/heads/main', 'repo:octo/app:ref:refs/tags/main', [error('GITHUB_SUBJECT_BRANCH_VS_TAG', 'the run is for a branch (ref:refs/heads/main), the registration names a tag (ref:refs/tags/main)')]],
    // Another value of the same kind, or a ref outside refs/heads and refs/tags on either side.
    ['repo:octo/app:ref:refs/heads/main', 'repo:octo/app:ref:refs/heads/master', [error('GITHUB_SUBJECT_VALUE_DIFFERS', 'the workflow presents ref:refs/heads/main, the registration names ref:refs/heads/master')]],
    ['repo:octo/app:environment:staging', 'repo:octo/app:environment:prod', [error('GITHUB_SUBJECT_VALUE_DIFFERS', 'the workflow presents environment:staging, the registration names environment:prod')]],
    ['repo:octo/app:ref:refs/pull/42/merge', 'repo:octo/app:ref:refs/heads/main', [error('GITHUB_SUBJECT_VALUE_DIFFERS', 'the workflow presents ref:refs/pull/42/merge, the registration names ref:refs/heads/main')]],
    ['repo:octo/app:ref:refs/heads/main', 'repo:octo/app:ref:refs/pull/42/merge', [error('GITHUB_SUBJECT_VALUE_DIFFERS', 'the workflow presents ref:refs/heads/main, the registration names ref:refs/pull/42/merge')]],
    ['repo:octo/app:ref:refs/tags/v1', 'repo:octo/app:ref:refs/pull/42/merge', [error('GITHUB_SUBJECT_VALUE_DIFFERS', 'the workflow presents ref:refs/tags/v1, the registration names ref:refs/pull/42/merge')]],
    // The context differs only in letter case while something else differs too: a warning for the context.
    ['repo:octo@1/app@2:environment:Production', 'repo:octo/app:environment:production', [
      error('GITHUB_SUBJECT_NEEDS_IMMUTABLE', NEEDS_IMMUTABLE('repo:octo@1/app@2', 'repo:octo/app')),
      warn('GITHUB_SUBJECT_CASE_DIFFERS', `environment:Production and environment:production differ only in letter case: ${CASE_ONLY}`),
    ]],
    ['repo:octo/app-v2:ref:refs/heads/Main', 'repo:octo/app:ref:refs/heads/main', [
      error('GITHUB_SUBJECT_REPO_DIFFERS', 'the token comes from repo:octo/app-v2, the registration names repo:octo/app'),
      warn('GITHUB_SUBJECT_CASE_DIFFERS', `ref:refs/heads/Main and ref:refs/heads/main differ only in letter case: ${CASE_ONLY}`),
    ]],
  ]))('%s presented, %s registered', check);
});

describe('compareGithubSubjects: custom templates (include_claim_keys) and their other claims', () => {
  it.each(cases([
    // The token's template is custom (job_workflow_ref, or claims without a context); the registration follows another.
    [`repo:octo/app:environment:prod:job_workflow_ref:${WF}`, 'repo:octo/app:environment:prod', [
      error('GITHUB_SUBJECT_CUSTOM_TEMPLATE', 'this repository (or its organisation) uses a custom subject template (repo, context, job_workflow_ref), the registration follows another (repo, context)'),
    ]],
    [`repo:octo/app:environment:prod:job_workflow_ref:${WF}`, 'repo:octo/app:ref:refs/heads/main', [
      error('GITHUB_SUBJECT_CUSTOM_TEMPLATE', 'this repository (or its organisation) uses a custom subject template (repo, context, job_workflow_ref), the registration follows another (repo, context)'),
      error('GITHUB_SUBJECT_ENVIRONMENT', 'the job uses the environment prod: GitHub presents environment:prod instead of ref:refs/heads/main (an environment wins)'),
    ]],
    ['repo:octo/app:ref:refs/heads/main:repository_visibility:private', 'repo:octo/app:ref:refs/heads/main', [
      error('GITHUB_SUBJECT_CUSTOM_TEMPLATE', 'this repository (or its organisation) uses a custom subject template (repo, context, repository_visibility), the registration follows another (repo, context)'),
    ]],
    // The token follows GitHub's default template (or another one-context template); the registration a custom one.
    ['repo:octo/app:environment:prod', `repo:octo/app:environment:prod:job_workflow_ref:${WF}`, [
      error('GITHUB_SUBJECT_CUSTOM_TEMPLATE', "the registration follows a custom subject template (repo, context, job_workflow_ref), but this repository's tokens use GitHub's default (repo, context)"),
    ]],
    ['repo:octo/app:pull_request', 'repo:octo/app:pull_request:actor:octocat', [
      error('GITHUB_SUBJECT_CUSTOM_TEMPLATE', "the registration follows a custom subject template (repo, context, actor), but this repository's tokens use GitHub's default (repo, context)"),
    ]],
    ['environment:prod', 'repo:octo/app:environment:prod', [
      error('GITHUB_SUBJECT_CUSTOM_TEMPLATE', "the registration follows a custom subject template (repo, context), but this repository's tokens use another (context)"),
    ]],
    // Same template: the first other claim that differs, after the repository and the context.
    [`repo:octo/app:job_workflow_ref:${WF}`, `repo:octo/app:job_workflow_ref:${WF_DEV}`, [
      error('GITHUB_SUBJECT_VALUE_DIFFERS', `the workflow presents job_workflow_ref:${WF}, the registration names job_workflow_ref:${WF_DEV}`),
    ]],
    ['repo:octo/app:pull_request:actor:octocat', 'repo:octo/app:pull_request:actor:Octocat', [
      warn('GITHUB_SUBJECT_CASE_DIFFERS', `the subjects differ only in letter case: ${CASE_ONLY}`),
    ]],
    ['repo:octo/other:pull_request:actor:octocat', 'repo:octo/app:pull_request:actor:Octocat', [
      error('GITHUB_SUBJECT_REPO_DIFFERS', 'the token comes from repo:octo/other, the registration names repo:octo/app'),
      warn('GITHUB_SUBJECT_CASE_DIFFERS', `actor:octocat and actor:Octocat differ only in letter case: ${CASE_ONLY}`),
    ]],
    // Equal other claims say nothing: only what differs is named.
    [`repo:octo/app:environment:staging:job_workflow_ref:${WF}`, `repo:octo/app:environment:prod:job_workflow_ref:${WF}`, [
      error('GITHUB_SUBJECT_VALUE_DIFFERS', 'the workflow presents environment:staging, the registration names environment:prod'),
    ]],
    [`repo:octo/app-v2:environment:prod:job_workflow_ref:${WF}`, `repo:octo/app:environment:prod:job_workflow_ref:${WF}`, [
      error('GITHUB_SUBJECT_REPO_DIFFERS', 'the token comes from repo:octo/app-v2, the registration names repo:octo/app'),
    ]],
    // Values that differ only after the 120 characters a message shows are named as different, and
    // shown from 40 characters before where they differ, so that the two texts do not look the same.
    [`repo:octo/app:job_workflow_ref:${LONG_WF}`, `repo:octo/app:job_workflow_ref:${LONG_WF_NEXT}`, [
      error('GITHUB_SUBJECT_VALUE_DIFFERS', 'the workflow presents …al-and-oidc.yml@refs/heads/release/2026.1, the registration names …al-and-oidc.yml@refs/heads/release/2026.2'),
    ]],
  ]))('%s presented, %s registered', check);
});

describe('compareGithubSubjects: a trailing * wildcard, a registration no workflow presents, nothing more specific', () => {
  it.each(cases([
    // Under a trailing `*` only the claims before the one it cuts compare.
    ['repo:octo/app:pull_request', 'repo:other/app:*', [error('GITHUB_SUBJECT_REPO_DIFFERS', 'the token comes from repo:octo/app, the registration names repo:other/app')]],
    ['repo:octo/app:pull_request', 'repo:octo/app:ref:*', [
      error('GITHUB_SUBJECT_DIFFERS', 'the registered subject repo:octo/app:ref:* is not the one the workflow presents (repo:octo/app:pull_request)'),
    ]],
    // A registration no workflow presents: impossibleGithubSubject's message, the presented subject as the fix.
    ['repo:octo/app:pull_request', 'repo:octo/app:pull-request', [
      error('GITHUB_SUBJECT_PULL_REQUEST_TYPO', 'no GitHub workflow presents this subject: pull-request is not what GitHub writes for a pull request: its subjects say pull_request'),
    ]],
    ['repo:octo/app:pull_request', ' Repo:octo/app:pull-request', [
      error('GITHUB_SUBJECT_WHITESPACE', 'no GitHub workflow presents this subject: " Repo" has whitespace around it: GitHub\'s subjects have none around a claim (and 2 more)'),
    ]],
    // Not a GitHub subject, or a claim GitHub does not document (only a warning there): the two subjects, side by side.
    ['repo:octo/app:pull_request', 'system:serviceaccount:ns:sa', [
      error('GITHUB_SUBJECT_DIFFERS', 'the registered subject system:serviceaccount:ns:sa is not the one the workflow presents (repo:octo/app:pull_request)'),
    ]],
    ['repo:octo/app:pull_request', 'repo:octo/app:foo:bar', [
      error('GITHUB_SUBJECT_DIFFERS', 'the registered subject repo:octo/app:foo:bar is not the one the workflow presents (repo:octo/app:pull_request)'),
    ]],
  ]))('%s presented, %s registered', check);
});

describe('compareGithubSubjects: control characters are written out in messages and fixes, the subject is kept as presented', () => {
  // [presented, registered, the whole answer]
  it.each<[string, string, Trap[]]>([
    ['repo:octo/app:environment:prod', 'repo:octo/app:environment:prod\u001b[2J', [{
      code: 'GITHUB_SUBJECT_VALUE_DIFFERS',
      severity: 'error',
      message: 'the workflow presents environment:prod, the registration names environment:prod\\u001b[2J',
      fix: 'Register the subject this workflow presents: repo:octo/app:environment:prod',
      subject: 'repo:octo/app:environment:prod',
    }]],
    ['repo:octo/app:environment:prod\u202e', 'repo:octo/app:environment:staging', [{
      code: 'GITHUB_SUBJECT_VALUE_DIFFERS',
      severity: 'error',
      message: 'the workflow presents environment:prod\\u202e, the registration names environment:staging',
      fix: 'Register the subject this workflow presents: repo:octo/app:environment:prod\\u202e',
      subject: 'repo:octo/app:environment:prod\u202e',
    }]],
    ['repo:octo/app:pull_request', 'repo:octo/app:ref:refs/heads/main\u2028✔ WIF login works', [{
      code: 'GITHUB_SUBJECT_WHITESPACE',
      severity: 'error',
      message: 'no GitHub workflow presents this subject: ref:refs/heads/main\\u2028✔ WIF login works contains whitespace, which no git ref name can (git check-ref-format)',
      fix: 'Register the subject this workflow presents: repo:octo/app:pull_request',
      subject: 'repo:octo/app:pull_request',
    }]],
  ])('%j presented, %j registered', (presented, registered, expected) => {
    expect(compareGithubSubjects(presented, registered)).toEqual(expected);
  });
});

describe('impossibleGithubSubject: the message counts the other mistakes, the fix says what to register', () => {
  // [registered, the whole trap]
  it.each<[string, Trap]>([
    // One mistake: named alone; the repaired subject is the fix.
    ['repo:octo/app:pull-request', {
      code: 'GITHUB_SUBJECT_PULL_REQUEST_TYPO',
      severity: 'error',
      message: 'no GitHub workflow presents this subject: pull-request is not what GitHub writes for a pull request: its subjects say pull_request',
      fix: 'Register the subject a workflow presents: repo:octo/app:pull_request',
      subject: 'repo:octo/app:pull_request',
    }],
    // Two and three mistakes: the first is named, the others counted, all repaired.
    ['Repo:octo/app:pull-request', {
      code: 'GITHUB_SUBJECT_KEY_CASE',
      severity: 'error',
      message: 'no GitHub workflow presents this subject: Repo is not how GitHub writes the claim: its claim names are lower-case (repo) (and 1 more)',
      fix: 'Register the subject a workflow presents: repo:octo/app:pull_request',
      subject: 'repo:octo/app:pull_request',
    }],
    [' Repo:octo/app:pull-request', {
      code: 'GITHUB_SUBJECT_WHITESPACE',
      severity: 'error',
      message: 'no GitHub workflow presents this subject: " Repo" has whitespace around it: GitHub\'s subjects have none around a claim (and 2 more)',
      fix: 'Register the subject a workflow presents: repo:octo/app:pull_request',
      subject: 'repo:octo/app:pull_request',
    }],
    // What the subject should say cannot be known: no subject, the token's own subject is the fix.
    ['repo:octo/app:environment:', {
      code: 'GITHUB_SUBJECT_EMPTY_VALUE',
      severity: 'error',
      message: 'no GitHub workflow presents this subject: environment: is empty: an environment always has a name',
      fix: WHOAMI_FIX,
    }],
    ['Repo:octo/app:environment:', {
      code: 'GITHUB_SUBJECT_KEY_CASE',
      severity: 'error',
      message: 'no GitHub workflow presents this subject: Repo is not how GitHub writes the claim: its claim names are lower-case (repo) (and 1 more)',
      fix: WHOAMI_FIX,
    }],
    ['repo:octo/app:foo:bar', {
      code: 'GITHUB_SUBJECT_UNKNOWN_CLAIM',
      severity: 'warn',
      message: 'GitHub may never present this subject: foo is not a claim GitHub documents for subjects (expected e.g. repo, environment, ref, pull_request, job_workflow_ref)',
      fix: WHOAMI_FIX,
    }],
    // A mistake with its own advice.
    ['repo:app:ref:refs/heads/main', {
      code: 'GITHUB_SUBJECT_NO_REPO',
      severity: 'error',
      message: 'no GitHub workflow presents this subject: repo:app is not OWNER/REPO',
      fix: 'Register repo:OWNER/REPO:… with the repository as GitHub shows it (wif-check gen-sql --provider oidc --github-repo OWNER/REPO prints it).',
    }],
  ])('%j', (registered, trap) => {
    expect(impossibleGithubSubject(registered)).toEqual(trap);
  });
});

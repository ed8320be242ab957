/**
 * The specification of reading a GitHub Actions subject (parseGithubSubject) and of building the
 * subjects to register (githubSubjects), one line per input with the whole expected answer.
 * Sources: ../shared/FACTS.md "GitHub Actions and other OIDC issuers"; the claim names are GitHub's
 * "OpenID Connect reference" ("OIDC token claims"), usable in a custom template (include_claim_keys).
 */
import { describe, expect, it } from 'vitest';
import {
  githubSubjects,
  parseGithubSubject,
  type GithubClaim,
  type GithubSubject,
  type GithubSubjectOptions,
} from '../../src/providers/oidc/github.js';

const WF = 'octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main';
/** octo-org/octo-repo as a mutable `repo` claim: the parts every custom-template line below shares. */
const OCTO = { owner: 'octo-org', repo: 'octo-repo', ownerId: null, repoId: null, form: 'mutable' } as const;
const REPO_CLAIM: GithubClaim = { key: 'repo', value: 'octo-org/octo-repo' };
const NO_REPO = { owner: null, repo: null, ownerId: null, repoId: null, form: null } as const;

/** The whole parse of a subject: the repository parts, the kind, the context claims, every claim. */
function ok(repo: Pick<GithubSubject, 'owner' | 'repo' | 'ownerId' | 'repoId' | 'form'>, fields: Partial<GithubSubject>, claims: GithubClaim[]) {
  return { ok: true, subject: { ...repo, kind: 'custom', value: null, environment: null, ref: null, jobWorkflowRef: null, ...fields, claims } };
}

describe('parseGithubSubject: every claim name GitHub documents can follow repo in a custom template', () => {
  // [claim name, value as a token carries it]; the subject is repo:octo-org/octo-repo:NAME:VALUE, a custom template.
  it.each<[string, string]>([
    ['actor', 'octocat'],
    ['actor_id', '583231'],
    ['base_ref', 'main'],
    ['base_ref', ''], // not a pull request: GitHub sends base_ref empty
    ['check_run_id', '22894571532'],
    ['enterprise', 'octo-enterprise'],
    ['enterprise_id', '2291'],
    ['event_name', 'workflow_dispatch'],
    ['head_ref', 'feature/oidc'],
    ['job_workflow_sha', 'ed5d0a4dcb2bd0db8c1ad4ac0bca09dd8fd98a34'],
    ['ref_protected', 'true'],
    ['ref_type', 'branch'],
    ['repository', 'octo-org/octo-repo'],
    ['repository_id', '74'],
    ['repository_owner', 'octo-org'],
    ['repository_owner_id', '65'],
    ['repository_visibility', 'private'],
    ['run_attempt', '1'],
    ['run_id', '7421398127'],
    ['run_number', '42'],
    ['runner_environment', 'github-hosted'],
    ['sha', 'ed5d0a4dcb2bd0db8c1ad4ac0bca09dd8fd98a34'],
    ['workflow', 'Deploy to Snowflake'],
    ['workflow_ref', 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main'],
    ['workflow_sha', 'ed5d0a4dcb2bd0db8c1ad4ac0bca09dd8fd98a34'],
  ])('%s:%j', (key, value) => {
    expect(parseGithubSubject(`repo:octo-org/octo-repo:${key}:${value}`)).toEqual(ok(OCTO, {}, [REPO_CLAIM, { key, value }]));
  });

  it.each<[string, GithubClaim[]]>([
    // Templates without repo: the repository parts are null.
    ['repository_owner_id:65:repository_id:74', [{ key: 'repository_owner_id', value: '65' }, { key: 'repository_id', value: '74' }]],
    ['enterprise_id:2291:runner_environment:self-hosted', [{ key: 'enterprise_id', value: '2291' }, { key: 'runner_environment', value: 'self-hosted' }]],
    ['event_name:push:run_attempt:2', [{ key: 'event_name', value: 'push' }, { key: 'run_attempt', value: '2' }]],
  ])('%s (no repo claim)', (sub, claims) => {
    expect(parseGithubSubject(sub)).toEqual(ok(NO_REPO, {}, claims));
  });
});

describe('parseGithubSubject: the kind is the one context claim, or job_workflow_ref with at most one context claim', () => {
  // [subject, the kind and context fields (the rest null), claims after repo:octo-org/octo-repo]
  it.each<[string, Partial<GithubSubject>, GithubClaim[]]>([
    ['repo:octo-org/octo-repo:environment:prod', { kind: 'environment', value: 'prod', environment: 'prod' }, [{ key: 'environment', value: 'prod' }]],
    ['repo:octo-org/octo-repo:ref:refs/heads/main', { kind: 'branch', value: 'main', ref: 'refs/heads/main' }, [{ key: 'ref', value: 'refs/heads/main' }]],
    ['repo:octo-org/octo-repo:ref:refs/tags/v1.2.3', { kind: 'tag', value: 'v1.2.3', ref: 'refs/tags/v1.2.3' }, [{ key: 'ref', value: 'refs/tags/v1.2.3' }]],
    ['repo:octo-org/octo-repo:pull_request', { kind: 'pull_request' }, [{ key: 'pull_request', value: null }]],
    // A ref that is neither a branch nor a tag: custom.
    ['repo:octo-org/octo-repo:ref:refs/pull/42/merge', { ref: 'refs/pull/42/merge' }, [{ key: 'ref', value: 'refs/pull/42/merge' }]],
    // Only the claim named ref is a branch or tag: `context` written literally, or another claim whose value is a ref.
    ['repo:octo-org/octo-repo:context:refs/heads/main', {}, [{ key: 'context', value: 'refs/heads/main' }]],
    ['repo:octo-org/octo-repo:base_ref:refs/heads/main', {}, [{ key: 'base_ref', value: 'refs/heads/main' }]],
    ['repo:octo-org/octo-repo:head_ref:refs/tags/v1', {}, [{ key: 'head_ref', value: 'refs/tags/v1' }]],
    // Reusable workflows: job_workflow_ref alone or with one context claim, in either order.
    [`repo:octo-org/octo-repo:job_workflow_ref:${WF}`, { kind: 'job_workflow_ref', value: WF, jobWorkflowRef: WF }, [{ key: 'job_workflow_ref', value: WF }]],
    [`repo:octo-org/octo-repo:environment:prod:job_workflow_ref:${WF}`, { kind: 'job_workflow_ref', value: WF, environment: 'prod', jobWorkflowRef: WF }, [{ key: 'environment', value: 'prod' }, { key: 'job_workflow_ref', value: WF }]],
    [`repo:octo-org/octo-repo:job_workflow_ref:${WF}:ref:refs/heads/main`, { kind: 'job_workflow_ref', value: WF, ref: 'refs/heads/main', jobWorkflowRef: WF }, [{ key: 'job_workflow_ref', value: WF }, { key: 'ref', value: 'refs/heads/main' }]],
    [`repo:octo-org/octo-repo:pull_request:job_workflow_ref:${WF}`, { kind: 'job_workflow_ref', value: WF, jobWorkflowRef: WF }, [{ key: 'pull_request', value: null }, { key: 'job_workflow_ref', value: WF }]],
    // job_workflow_ref with a claim that is not a context: custom.
    [`repo:octo-org/octo-repo:job_workflow_ref:${WF}:actor:octocat`, { jobWorkflowRef: WF }, [{ key: 'job_workflow_ref', value: WF }, { key: 'actor', value: 'octocat' }]],
    [`repo:octo-org/octo-repo:repository_visibility:private:job_workflow_ref:${WF}`, { jobWorkflowRef: WF }, [{ key: 'repository_visibility', value: 'private' }, { key: 'job_workflow_ref', value: WF }]],
    // job_workflow_ref with two context claims (template repo, context, ref, job_workflow_ref): custom.
    [`repo:octo-org/octo-repo:pull_request:ref:refs/pull/42/merge:job_workflow_ref:${WF}`, { ref: 'refs/pull/42/merge', jobWorkflowRef: WF }, [{ key: 'pull_request', value: null }, { key: 'ref', value: 'refs/pull/42/merge' }, { key: 'job_workflow_ref', value: WF }]],
    [`repo:octo-org/octo-repo:environment:prod:ref:refs/heads/main:job_workflow_ref:${WF}`, { environment: 'prod', ref: 'refs/heads/main', jobWorkflowRef: WF }, [{ key: 'environment', value: 'prod' }, { key: 'ref', value: 'refs/heads/main' }, { key: 'job_workflow_ref', value: WF }]],
  ])('%s', (sub, fields, claims) => {
    expect(parseGithubSubject(sub)).toEqual(ok(OCTO, fields, [REPO_CLAIM, ...claims]));
  });

  it.each<[string, Partial<GithubSubject>, GithubClaim[]]>([
    // Without repo the same holds (templates of ref alone, job_workflow_ref alone, job_workflow_ref and a non-context claim).
    ['ref:refs/heads/main', { kind: 'branch', value: 'main', ref: 'refs/heads/main' }, [{ key: 'ref', value: 'refs/heads/main' }]],
    [`job_workflow_ref:${WF}`, { kind: 'job_workflow_ref', value: WF, jobWorkflowRef: WF }, [{ key: 'job_workflow_ref', value: WF }]],
    [`job_workflow_ref:${WF}:repository_owner:octo-org`, { jobWorkflowRef: WF }, [{ key: 'job_workflow_ref', value: WF }, { key: 'repository_owner', value: 'octo-org' }]],
  ])('%s (no repo claim)', (sub, fields, claims) => {
    expect(parseGithubSubject(sub)).toEqual(ok(NO_REPO, fields, claims));
  });
});

describe('parseGithubSubject: the repo claim in each form', () => {
  it.each<[string, Pick<GithubSubject, 'owner' | 'repo' | 'ownerId' | 'repoId' | 'form'>]>([
    ['octo-org/octo-repo', OCTO],
    ['octo-org@123456/octo-repo@456789', { owner: 'octo-org', repo: 'octo-repo', ownerId: '123456', repoId: '456789', form: 'immutable-at' }],
    ['octocat-123456/my-repo-456789', { owner: 'octocat', repo: 'my-repo', ownerId: '123456', repoId: '456789', form: 'immutable-hyphen' }],
    ['o@1/r@2', { owner: 'o', repo: 'r', ownerId: '1', repoId: '2', form: 'immutable-at' }],
  ])('repo:%s:pull_request', (repo, parts) => {
    expect(parseGithubSubject(`repo:${repo}:pull_request`)).toEqual(ok(parts, { kind: 'pull_request' }, [{ key: 'repo', value: repo }, { key: 'pull_request', value: null }]));
  });
});

describe('parseGithubSubject: not a GitHub subject, with the reason', () => {
  const A100 = 'a'.repeat(100);
  const R200 = 'octo-org-'.repeat(22) + 'oc'; // 200 characters, no '/'
  it.each<[string, string]>([
    ['', 'the subject is empty'],
    [' repo:octo-org/octo-repo:pull_request', 'the subject has leading or trailing whitespace'],
    ['repo:octo-org/octo-repo:environment', 'the claim environment has no value'],
    ['repo:octo-org/octo-repo:pull-request', '"pull-request" is not a claim name GitHub puts in a subject'],
    ['repo:octo-org/octo-repo:runid:1', '"runid" is not a claim name GitHub puts in a subject'],
    ['repo:octo-org/octo-repo:Actor_ID:1', '"Actor_ID" is not a claim name GitHub puts in a subject'],
    ['system:serviceaccount:data:loader', '"system" is not a claim name GitHub puts in a subject'],
    // An unknown claim name is shown up to 100 characters.
    [`repo:octo-org/octo-repo:${A100}:x`, `"${A100}" is not a claim name GitHub puts in a subject`],
    [`repo:octo-org/octo-repo:${A100}b:x`, `"${A100}" is not a claim name GitHub puts in a subject`],
    [`${A100}bcdef`, `"${A100}" is not a claim name GitHub puts in a subject`],
    // A repo value that is no repository is shown up to 200 characters.
    ['repo:octo-org:ref:refs/heads/main', 'repo:octo-org is not OWNER/REPO or OWNER@ID/REPO@ID'],
    ['repo:octo-org@12/octo-repo:pull_request', 'repo:octo-org@12/octo-repo is not OWNER/REPO or OWNER@ID/REPO@ID'],
    [`repo:${R200}:pull_request`, `repo:${R200} is not OWNER/REPO or OWNER@ID/REPO@ID`],
    [`repo:${R200}g:pull_request`, `repo:${R200} is not OWNER/REPO or OWNER@ID/REPO@ID`],
    [`repo:${R200}/octo-repo/x:pull_request`, `repo:${R200} is not OWNER/REPO or OWNER@ID/REPO@ID`],
  ])('%j', (sub, reason) => {
    expect(parseGithubSubject(sub)).toEqual({ ok: false, reason });
  });
});

const IDS_HINT = 'the IDs are owner.id and id in GitHub\'s REST API answer for GET /repos/OWNER/REPO (e.g. `gh api repos/OWNER/REPO --jq ".owner.id, .id"`)';
const WHEN_MUTABLE = 'repositories created before 2026-07-15 and never renamed or transferred since, unless they opted in to immutable subjects; GitHub Enterprise Server';
const WHEN_IMMUTABLE = 'repositories created, renamed or transferred since 2026-07-15, and older ones that opted in (repository or organisation OIDC settings)';
/** The note when the immutable subject could apply but its IDs were not given. */
const noteFor = (context: string) => `repositories created, renamed or transferred since 2026-07-15 (and older ones that opted in) present repo:octo@<owner id>/app@<repository id>:${context} instead; give the IDs to get that subject too: ${IDS_HINT}`;

describe('githubSubjects: the subjects to register, when each applies, and the note', () => {
  const mutable = (context: string) => ({ subject: `repo:octo/app:${context}`, form: 'mutable', when: WHEN_MUTABLE });
  const immutable = (context: string) => ({ subject: `repo:octo@123/app@456:${context}`, form: 'immutable-at', when: WHEN_IMMUTABLE });
  it.each<[GithubSubjectOptions, unknown]>([
    // No IDs: the mutable subject, and a note on the immutable one.
    [{ repo: 'octo/app', pullRequest: true }, { ok: true, subjects: [mutable('pull_request')], notes: [noteFor('pull_request')] }],
    [{ repo: 'octo/app', environment: 'prod' }, { ok: true, subjects: [mutable('environment:prod')], notes: [noteFor('environment:prod')] }],
    [{ repo: 'octo/app', ref: 'refs/tags/v1.0' }, { ok: true, subjects: [mutable('ref:refs/tags/v1.0')], notes: [noteFor('ref:refs/tags/v1.0')] }],
    // immutable: false asks for the mutable form only: no note.
    [{ repo: 'octo/app', pullRequest: true, immutable: false }, { ok: true, subjects: [mutable('pull_request')], notes: [] }],
    [{ repo: 'octo/app', ownerId: 123, repoId: 456, ref: 'refs/heads/main', immutable: false }, { ok: true, subjects: [mutable('ref:refs/heads/main')], notes: [] }],
    // Both IDs: both forms (or the one asked for), no note.
    [{ repo: 'octo/app', ownerId: 123, repoId: 456, environment: 'prod' }, { ok: true, subjects: [mutable('environment:prod'), immutable('environment:prod')], notes: [] }],
    [{ repo: 'octo/app', ownerId: '123', repoId: '456', ref: 'refs/heads/main', immutable: true }, { ok: true, subjects: [immutable('ref:refs/heads/main')], notes: [] }],
    [{ repo: 'octo/app', ownerId: '0123', repoId: '456', pullRequest: true }, { ok: true, subjects: [mutable('pull_request'), { ...immutable('pull_request'), subject: 'repo:octo@0123/app@456:pull_request' }], notes: [] }],
  ])('%j', (options, expected) => {
    expect(githubSubjects(options)).toEqual(expected);
  });
});

describe('githubSubjects: refused, with the whole error', () => {
  const LONG_REPO = `octo/${'a'.repeat(96)}/x`; // 103 characters
  const LONG_BRANCH = `dependabot/npm_and_yarn/${'x'.repeat(80)}`; // 104 characters
  const LONG_ENV = `prod:${'e'.repeat(96)}`; // 101 characters
  it.each<[GithubSubjectOptions, string]>([
    // The repository, shown up to 100 characters.
    [{ repo: 'octo', pullRequest: true }, 'repository "octo" is not OWNER/REPO'],
    [{ repo: 'https://github.com/octo/app', pullRequest: true }, 'repository "https://github.com/octo/app" is not OWNER/REPO'],
    [{ repo: LONG_REPO, pullRequest: true }, `repository "octo/${'a'.repeat(95)}" is not OWNER/REPO`],
    // The context: exactly one.
    [{ repo: 'octo/app' }, 'give exactly one of an environment, a ref (refs/heads/BRANCH or refs/tags/TAG) or pull requests'],
    [{ repo: 'octo/app', environment: 'prod', ref: 'refs/heads/main' }, 'give exactly one of an environment, a ref (refs/heads/BRANCH or refs/tags/TAG) or pull requests'],
    // The environment: a name, no surrounding spaces, no ':' (shown up to 100 characters).
    [{ repo: 'octo/app', environment: '' }, 'environment "" is empty, has surrounding spaces or a \':\''],
    [{ repo: 'octo/app', environment: '   ' }, 'environment "   " is empty, has surrounding spaces or a \':\''],
    [{ repo: 'octo/app', environment: 'prod ' }, 'environment "prod " is empty, has surrounding spaces or a \':\''],
    [{ repo: 'octo/app', environment: 'prod:eu' }, 'environment "prod:eu" is empty, has surrounding spaces or a \':\''],
    [{ repo: 'octo/app', environment: LONG_ENV }, `environment "prod:${'e'.repeat(95)}" is empty, has surrounding spaces or a ':'`],
    // The ref: refs/heads/… or refs/tags/…, with the name it would have (shown up to 100 characters).
    [{ repo: 'octo/app', ref: 'main' }, 'ref "main" is not a full branch or tag ref: use refs/heads/main for a branch, refs/tags/main for a tag'],
    [{ repo: 'octo/app', ref: 'tags/v1' }, 'ref "tags/v1" is not a full branch or tag ref: use refs/heads/v1 for a branch, refs/tags/v1 for a tag'],
    [{ repo: 'octo/app', ref: 'refs/heads/' }, 'ref "refs/heads/" is not a full branch or tag ref: use refs/heads/ for a branch, refs/tags/ for a tag'],
    [{ repo: 'octo/app', ref: ' refs/heads/main' }, 'ref " refs/heads/main" is not a full branch or tag ref: use refs/heads/ refs/heads/main for a branch, refs/tags/ refs/heads/main for a tag'],
    [{ repo: 'octo/app', ref: 'origin/refs/heads/main' }, 'ref "origin/refs/heads/main" is not a full branch or tag ref: use refs/heads/origin/refs/heads/main for a branch, refs/tags/origin/refs/heads/main for a tag'],
    [{ repo: 'octo/app', ref: 'release/tags/v1' }, 'ref "release/tags/v1" is not a full branch or tag ref: use refs/heads/release/tags/v1 for a branch, refs/tags/release/tags/v1 for a tag'],
    [{ repo: 'octo/app', ref: LONG_BRANCH }, `ref "dependabot/npm_and_yarn/${'x'.repeat(76)}" is not a full branch or tag ref: use refs/heads/${LONG_BRANCH} for a branch, refs/tags/${LONG_BRANCH} for a tag`],
    // The IDs: digits only, both or neither, and both when only the immutable form is asked for.
    [{ repo: 'octo/app', ownerId: '12a', repoId: 456, pullRequest: true }, 'owner and repository IDs are numbers'],
    [{ repo: 'octo/app', ownerId: 123, repoId: '456 ', pullRequest: true }, 'owner and repository IDs are numbers'],
    [{ repo: 'octo/app', ownerId: 1.5, repoId: 456, pullRequest: true }, 'owner and repository IDs are numbers'],
    [{ repo: 'octo/app', ownerId: '', repoId: 456, pullRequest: true }, 'owner and repository IDs are numbers'],
    [{ repo: 'octo/app', ownerId: 123, pullRequest: true }, `the immutable form needs both the owner's and the repository's ID: ${IDS_HINT}`],
    [{ repo: 'octo/app', repoId: 456, pullRequest: true, immutable: true }, `the immutable form needs both the owner's and the repository's ID: ${IDS_HINT}`],
    [{ repo: 'octo/app', pullRequest: true, immutable: true }, `the immutable form needs the owner's and the repository's IDs: ${IDS_HINT}`],
  ])('%j', (options, error) => {
    expect(githubSubjects(options)).toEqual({ ok: false, error });
  });
});

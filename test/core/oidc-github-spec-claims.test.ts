/**
 * Which claim compareGithubSubjects names when a custom template has several claims besides `repo`
 * and the context (include_claim_keys: actor, job_workflow_ref, …): the first one whose value differs,
 * however many equal ones come before it. One line per pair; every trap's code and message whole.
 */
import { describe, expect, it } from 'vitest';
import { compareGithubSubjects } from '../../src/providers/oidc/github.js';

const WF = 'octo-org/octo-automation/.github/workflows/deploy.yml@refs/heads/main';
const messages = (presented: string, registered: string) => compareGithubSubjects(presented, registered).map((trap) => `${trap.code}: ${trap.message}`);

describe('compareGithubSubjects: the claim that differs, after claims that do not', () => {
  it.each([
    [`repo:octo/app:actor:alice:job_workflow_ref:${WF}`, `repo:octo/app:actor:alice:job_workflow_ref:${WF.replace('main', 'dev')}`, [
      `GITHUB_SUBJECT_VALUE_DIFFERS: the workflow presents job_workflow_ref:${WF}, the registration names job_workflow_ref:${WF.replace('main', 'dev')}`,
    ]],
    ['repo:octo/app:actor:alice:actor_id:1:run_attempt:2', 'repo:octo/app:actor:alice:actor_id:1:run_attempt:1', [
      'GITHUB_SUBJECT_VALUE_DIFFERS: the workflow presents run_attempt:2, the registration names run_attempt:1',
    ]],
    // The first that differs is named, not a later one.
    ['repo:octo/app:actor:bob:actor_id:2', 'repo:octo/app:actor:alice:actor_id:1', [
      'GITHUB_SUBJECT_VALUE_DIFFERS: the workflow presents actor:bob, the registration names actor:alice',
    ]],
  ])('%s presented, %s registered', (presented, registered, want) => {
    expect(messages(presented, registered)).toEqual(want);
  });
});

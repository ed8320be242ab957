import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from './e2e/run-cli.js';

interface Workflow {
  on: unknown;
  permissions: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; steps: Array<{ uses?: string; run?: string; with?: Record<string, string | number>; env?: Record<string, string> }> }>;
}

describe('no unpinned @latest anywhere a user copies from', () => {
  it.each(['README.md', 'action.yml', 'examples/github-actions.yml'])('%s', (file) => {
    expect(readFileSync(join(REPO_ROOT, file), 'utf8')).not.toMatch(/@latest\b/);
  });
});

describe('examples/github-actions.yml', () => {
  const text = readFileSync(join(REPO_ROOT, 'examples', 'github-actions.yml'), 'utf8');
  const workflow = parse(text, { strict: true, uniqueKeys: true }) as Workflow;
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);

  it('is valid YAML with a trigger and at least one job on a runner', () => {
    expect(workflow.on).toBeDefined();
    for (const job of Object.values(workflow.jobs)) expect(job['runs-on']).toMatch(/\S/);
  });

  it('gets AWS credentials by OIDC (id-token: write, configure-aws-credentials with a role and region)', () => {
    expect(workflow.permissions['id-token']).toBe('write');
    const aws = steps.find((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(aws?.with?.['role-to-assume']).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(aws?.with?.['aws-region']).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
  });

  it('runs the wif-check Action with expect-user and an account after the credentials step, with inputs action.yml declares', () => {
    const awsIndex = steps.findIndex((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    const checkIndex = steps.findIndex((step) => /^[\w.-]+\/wif-check@/.test(step.uses ?? ''));
    expect(awsIndex).toBeGreaterThanOrEqual(0);
    expect(checkIndex).toBeGreaterThan(awsIndex);
    const check = steps[checkIndex];
    expect(check?.with?.['expect-user']).toMatch(/^[A-Za-z_][A-Za-z0-9_$]*$/);
    expect(check?.with?.account ?? check?.env?.SNOWFLAKE_ACCOUNT).toMatch(/^[A-Za-z0-9_.-]+$/);
    const action = parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> };
    for (const input of Object.keys(check?.with ?? {})) expect(action.inputs, `input ${input}`).toHaveProperty(input);
  });

  it('pins every action: a full commit SHA or a release tag, never a branch or @latest', () => {
    for (const step of steps.filter((entry) => entry.uses)) {
      expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@([0-9a-f]{40}|v\d+\.\d+\.\d+)$/);
    }
    // Third-party code in a job that holds AWS credentials: the SHA, with its tag as a comment.
    expect(text).toMatch(/aws-actions\/configure-aws-credentials@[0-9a-f]{40} # v\d+\.\d+\.\d+/);
  });
});

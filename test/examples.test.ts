import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from './e2e/run-cli.js';

interface Workflow {
  on: unknown;
  permissions: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; steps: Array<{ uses?: string; run?: string; with?: Record<string, string>; env?: Record<string, string> }> }>;
}

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

  it('runs wif-check doctor or connect with --expect-user after the credentials step', () => {
    const awsIndex = steps.findIndex((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    const checkIndex = steps.findIndex((step) => /npx (--yes )?wif-check(@\S+)? (doctor|connect) .*--expect-user \S+/.test(step.run ?? ''));
    expect(checkIndex).toBeGreaterThan(awsIndex);
    expect(awsIndex).toBeGreaterThanOrEqual(0);
    // The account comes from the step's env or an --account flag.
    const check = steps[checkIndex];
    const account = check?.env?.SNOWFLAKE_ACCOUNT ?? /--account[ =](\S+)/.exec(check?.run ?? '')?.[1];
    expect(account).toMatch(/^[A-Za-z0-9_.-]+$/);
  });
});

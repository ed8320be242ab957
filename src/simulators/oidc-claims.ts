/**
 * Realistic ID token claims for the test bed's OIDC issuers (./oidc-issuer.ts signs them; `iss`,
 * `iat` and `exp` are added there). Pure functions.
 *
 * Sources (docs/how-it-works.md lists each with what is assumed):
 * - GitHub Actions: docs.github.com "OpenID Connect reference" (the example token and claim list:
 *   jti, sub, environment, aud, ref, sha, repository, repository_owner, actor_id,
 *   repository_visibility, repository_id, repository_owner_id, run_id, run_number, run_attempt,
 *   runner_environment, actor, workflow, head_ref, base_ref, event_name, ref_type,
 *   job_workflow_ref, nbf, exp, iat; its example has nbf = iat − 600 and exp = iat + 300), and the
 *   subject rules in ../shared/FACTS.md "GitHub Actions and other OIDC issuers": `…:environment:ENV`
 *   when the job uses an environment (it wins), else `…:pull_request` for pull_request events, else
 *   `…:ref:REF`; custom templates (`include_claim_keys`, e.g. repo, context, job_workflow_ref); the
 *   immutable-ID form `repo:OWNER@OWNER_ID/REPO@REPO_ID:…` (since 2026-07-15 for new, renamed or
 *   transferred repositories).
 * - GitLab CI/CD: docs.gitlab.com "OpenID Connect (OIDC) Authentication Using ID Tokens" (sub
 *   `project_path:GROUP/PROJECT:ref_type:branch|tag:ref:REF`, and the claim list).
 * - Kubernetes: projected service account tokens (sub `system:serviceaccount:NS:SA`, `aud` a list,
 *   and the `kubernetes.io` claim with namespace, pod and serviceaccount names and uids).
 */
import { createHash, randomUUID } from 'node:crypto';

export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';
export const GITLAB_COM_ISSUER = 'https://gitlab.com';

export interface GithubJob {
  /** 'OWNER/REPO'. */
  repository: string;
  /** Numeric ids as GitHub puts them in tokens (strings). Defaults: stable ids derived from the names. */
  repositoryId?: string;
  repositoryOwnerId?: string;
  /** Default 'refs/heads/main'. */
  ref?: string;
  /** The job's environment (its subject then names it, whatever the event). */
  environment?: string;
  /** Default 'push'. 'pull_request' gives the `…:pull_request` subject when there is no environment. */
  eventName?: string;
  /** Default `OWNER/REPO/.github/workflows/deploy.yml@REF`. */
  jobWorkflowRef?: string;
  /** Default 'github-hosted'. */
  runnerEnvironment?: 'github-hosted' | 'self-hosted';
  /** Default 'private'. */
  repositoryVisibility?: 'public' | 'private' | 'internal';
  /** Default 'octocat'. */
  actor?: string;
  /** The subject form: 'mutable' (default) or 'immutable' (`repo:OWNER@ID/REPO@ID:…`). */
  subjectForm?: 'mutable' | 'immutable';
  /** A custom subject template (the organisation's or repository's `include_claim_keys`). */
  includeClaimKeys?: readonly string[];
  /** The subject outright (any other template). */
  subject?: string;
}

/** A stable numeric id for a name (so tests and the sandbox see the same ids every run). */
function stableId(name: string, digits: number): string {
  const n = BigInt(`0x${createHash('sha256').update(`wif-check-sim:${name}`).digest('hex').slice(0, 15)}`);
  return ((n % 10n ** BigInt(digits - 1)) + 10n ** BigInt(digits - 1)).toString();
}

function splitRepository(repository: string): { owner: string; repo: string } {
  const [owner = '', repo = ''] = repository.split('/');
  if (!owner || !repo) throw new Error(`github job: repository '${repository}' is not OWNER/REPO`);
  return { owner, repo };
}

/** `environment:ENV`, `pull_request` or `ref:REF`: the part of the default subject after the repository. */
export function githubSubjectContext(job: Pick<GithubJob, 'environment' | 'eventName' | 'ref'>): string {
  if (job.environment) return `environment:${job.environment}`;
  if ((job.eventName ?? 'push') === 'pull_request') return 'pull_request';
  return `ref:${job.ref ?? 'refs/heads/main'}`;
}

/** Every claim of a GitHub Actions ID token except iss, aud, iat, exp (the issuer adds them). */
export function githubActionsClaims(job: GithubJob): Record<string, unknown> {
  const { owner, repo } = splitRepository(job.repository);
  const ref = job.ref ?? 'refs/heads/main';
  const eventName = job.eventName ?? 'push';
  const repositoryId = job.repositoryId ?? stableId(job.repository, 9);
  const ownerId = job.repositoryOwnerId ?? stableId(owner, 8);
  const jobWorkflowRef = job.jobWorkflowRef ?? `${job.repository}/.github/workflows/deploy.yml@${ref}`;
  const sha = createHash('sha1').update(`${job.repository}@${ref}`).digest('hex');
  const claims: Record<string, unknown> = {
    jti: randomUUID(),
    ...(job.environment ? { environment: job.environment } : {}),
    ref,
    sha,
    repository: job.repository,
    repository_owner: owner,
    repository_owner_id: ownerId,
    repository_id: repositoryId,
    repository_visibility: job.repositoryVisibility ?? 'private',
    actor: job.actor ?? 'octocat',
    actor_id: stableId(job.actor ?? 'octocat', 7),
    run_id: stableId(`${job.repository}:run`, 10),
    run_number: '42',
    run_attempt: '1',
    runner_environment: job.runnerEnvironment ?? 'github-hosted',
    workflow: 'deploy',
    workflow_ref: jobWorkflowRef,
    job_workflow_ref: jobWorkflowRef,
    head_ref: eventName === 'pull_request' ? 'feature' : '',
    base_ref: eventName === 'pull_request' ? 'main' : '',
    event_name: eventName,
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
  };
  const repoPart = job.subjectForm === 'immutable' ? `${owner}@${ownerId}/${repo}@${repositoryId}` : `${owner}/${repo}`;
  const context = githubSubjectContext({ environment: job.environment, eventName, ref });
  let sub: string;
  if (job.subject !== undefined) sub = job.subject;
  else if (job.includeClaimKeys && job.includeClaimKeys.length > 0) {
    sub = job.includeClaimKeys
      .map((key) => (key === 'repo' ? `repo:${repoPart}` : key === 'context' ? context : `${key}:${String(claims[key] ?? '')}`))
      .join(':');
  } else sub = `repo:${repoPart}:${context}`;
  // GitHub's documented example: nbf ten minutes before iat (the issuer sets iat and exp).
  return { sub, ...claims, nbf: Math.floor(Date.now() / 1000) - 600 };
}

/** The subject a GitHub job's token carries (githubActionsClaims(job).sub). */
export function githubSubject(job: GithubJob): string {
  return String(githubActionsClaims(job)['sub']);
}

export interface GitlabJob {
  /** 'GROUP/PROJECT' (GROUP may have subgroups). */
  projectPath: string;
  /** Default 'main'. */
  ref?: string;
  /** Default 'branch'. */
  refType?: 'branch' | 'tag';
  environment?: string;
  /** Default false. */
  refProtected?: boolean;
}

/** A GitLab CI/CD ID token's claims except iss, aud, iat, exp. */
export function gitlabCiClaims(job: GitlabJob): Record<string, unknown> {
  const ref = job.ref ?? 'main';
  const refType = job.refType ?? 'branch';
  const namespace = job.projectPath.split('/').slice(0, -1).join('/');
  return {
    sub: `project_path:${job.projectPath}:ref_type:${refType}:ref:${ref}`,
    jti: randomUUID(),
    namespace_id: stableId(namespace, 8),
    namespace_path: namespace,
    project_id: stableId(job.projectPath, 8),
    project_path: job.projectPath,
    user_id: '4242',
    user_login: 'deployer',
    user_email: 'deployer@example.com',
    pipeline_id: stableId(`${job.projectPath}:pipeline`, 10),
    pipeline_source: 'push',
    job_id: stableId(`${job.projectPath}:job`, 10),
    ref,
    ref_type: refType,
    ref_path: `refs/${refType === 'tag' ? 'tags' : 'heads'}/${ref}`,
    ref_protected: String(job.refProtected ?? false),
    ...(job.environment ? { environment: job.environment, environment_protected: 'false', deployment_tier: 'production' } : {}),
    runner_id: 1,
    runner_environment: 'gitlab-hosted',
    sha: createHash('sha1').update(`${job.projectPath}@${ref}`).digest('hex'),
    project_visibility: 'private',
    ci_config_ref_uri: `gitlab.com/${job.projectPath}//.gitlab-ci.yml@refs/heads/${ref}`,
    nbf: Math.floor(Date.now() / 1000) - 5,
  };
}

export interface KubernetesServiceAccount {
  namespace: string;
  serviceAccount: string;
  /** Default `<serviceAccount>-7d4b9c8f6-x2k9p`. */
  pod?: string;
}

/** A projected service account token's claims except iss, aud, iat, exp. */
export function kubernetesClaims(account: KubernetesServiceAccount): Record<string, unknown> {
  const uid = (what: string) => {
    const hex = createHash('sha256').update(`wif-check-sim:${account.namespace}:${what}`).digest('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  };
  const pod = account.pod ?? `${account.serviceAccount}-7d4b9c8f6-x2k9p`;
  return {
    sub: kubernetesSubject(account),
    jti: randomUUID(),
    'kubernetes.io': {
      namespace: account.namespace,
      pod: { name: pod, uid: uid(`pod:${pod}`) },
      serviceaccount: { name: account.serviceAccount, uid: uid(`sa:${account.serviceAccount}`) },
    },
    nbf: Math.floor(Date.now() / 1000),
  };
}

/** `system:serviceaccount:NS:SA`. */
export function kubernetesSubject(account: Pick<KubernetesServiceAccount, 'namespace' | 'serviceAccount'>): string {
  return `system:serviceaccount:${account.namespace}:${account.serviceAccount}`;
}

// The JSON GitHub's REST API answers with: users, collaborators, issues,
// comments, repositories and workflow runs, in the shapes of GitHub's
// OpenAPI description (the tests check them against @octokit/openapi).
import { atLeast, type GitHubUser, type RepositoryRole } from './github-access.ts';
import type { CommentRecord, IssueRecord } from './github-records.ts';
import type { WorkflowRun } from './github-api.ts';
import { commentNodeId, issueNodeId, repositoryNodeId, userNodeId } from './github-graphql.ts';

/** What the shapes need to know of the API. */
export interface JsonView {
  baseUrl(): string;
  association(repo: string, u: GitHubUser): 'OWNER' | 'COLLABORATOR' | 'NONE';
  commentCount(repo: string, issue: number): number;
  repositoryId(full: string): number;
  user(login: string): GitHubUser;
}

export class GitHubJson {
  readonly #view: JsonView;

  constructor(view: JsonView) {
    this.#view = view;
  }

  userJson(u: GitHubUser) {
    const html = this.#view.baseUrl().replace(/\/api$/, '');
    const bot = u.type === 'Bot';
    return {
      login: u.login,
      id: u.id,
      node_id: userNodeId(u),
      avatar_url: `${html}/avatars/${u.id}`,
      gravatar_id: '',
      url: `${this.#view.baseUrl()}/users/${u.login}`,
      html_url: bot ? `${html}/apps/${u.login.replace(/\[bot\]$/, '')}` : `${html}/${u.login}`,
      followers_url: `${this.#view.baseUrl()}/users/${u.login}/followers`,
      following_url: `${this.#view.baseUrl()}/users/${u.login}/following{/other_user}`,
      gists_url: `${this.#view.baseUrl()}/users/${u.login}/gists{/gist_id}`,
      starred_url: `${this.#view.baseUrl()}/users/${u.login}/starred{/owner}{/repo}`,
      subscriptions_url: `${this.#view.baseUrl()}/users/${u.login}/subscriptions`,
      organizations_url: `${this.#view.baseUrl()}/users/${u.login}/orgs`,
      repos_url: `${this.#view.baseUrl()}/users/${u.login}/repos`,
      events_url: `${this.#view.baseUrl()}/users/${u.login}/events{/privacy}`,
      received_events_url: `${this.#view.baseUrl()}/users/${u.login}/received_events`,
      type: u.type ?? 'User',
      site_admin: false,
    };
  }

  // GitHub's collaborator: a user with the permissions their role grants.
  collaboratorJson(u: GitHubUser, role: RepositoryRole) {
    return {
      ...this.userJson(u),
      permissions: {
        pull: true,
        triage: atLeast(role, 'triage'),
        push: atLeast(role, 'write'),
        maintain: atLeast(role, 'maintain'),
        admin: atLeast(role, 'admin'),
      },
      role_name: role,
    };
  }

  // The full user (GitHub's public-user schema) that /user and /users/{login} answer with.
  publicUserJson(u: GitHubUser) {
    return {
      ...this.userJson(u),
      name: null,
      company: null,
      blog: '',
      location: null,
      email: null,
      hireable: null,
      bio: null,
      public_repos: 0,
      public_gists: 0,
      followers: 0,
      following: 0,
      created_at: '2020-01-01T00:00:00Z',
      updated_at: '2020-01-01T00:00:00Z',
    };
  }

  issueJson(i: IssueRecord) {
    const html = this.#view.baseUrl().replace(/\/api$/, '');
    const url = `${this.#view.baseUrl()}/repos/${i.repo}/issues/${i.number}`;
    return {
      id: i.id,
      node_id: issueNodeId(i.id),
      url,
      repository_url: `${this.#view.baseUrl()}/repos/${i.repo}`,
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: `${html}/${i.repo}/issues/${i.number}`,
      number: i.number,
      state: i.state,
      title: i.title,
      body: i.body,
      user: this.userJson(i.user),
      labels: i.labels.map((name, n) => ({
        id: n + 1,
        node_id: `LA_${n + 1}`,
        url: `${this.#view.baseUrl()}/repos/${i.repo}/labels/${encodeURIComponent(name)}`,
        name,
        color: 'ededed',
        default: false,
        description: null,
      })),
      assignee: null,
      assignees: [],
      milestone: null,
      locked: i.locked,
      active_lock_reason: i.active_lock_reason,
      comments: this.#view.commentCount(i.repo, i.number),
      closed_at: i.closed_at,
      created_at: i.created_at,
      updated_at: i.updated_at,
      author_association: this.#view.association(i.repo, i.user),
    };
  }

  commentJson(c: CommentRecord) {
    const html = this.#view.baseUrl().replace(/\/api$/, '');
    return {
      id: c.id,
      node_id: commentNodeId(c.id),
      url: `${this.#view.baseUrl()}/repos/${c.repo}/issues/comments/${c.id}`,
      html_url: `${html}/${c.repo}/issues/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${this.#view.baseUrl()}/repos/${c.repo}/issues/${c.issue}`,
      body: c.body,
      user: this.userJson(c.user),
      created_at: c.created_at,
      updated_at: c.updated_at,
      author_association: this.#view.association(c.repo, c.user),
    };
  }

  // GitHub's minimal-repository: the fields a workflow run carries for its repositories.
  repoJson(full: string) {
    const html = this.#view.baseUrl().replace(/\/api$/, '');
    const [owner, name] = full.split('/') as [string, string];
    const api = `${this.#view.baseUrl()}/repos/${full}`;
    const urls = Object.fromEntries(
      [
        'archive',
        'assignees',
        'blobs',
        'branches',
        'collaborators',
        'comments',
        'commits',
        'compare',
        'contents',
        'contributors',
        'deployments',
        'downloads',
        'events',
        'forks',
        'git_commits',
        'git_refs',
        'git_tags',
        'hooks',
        'issue_comment',
        'issue_events',
        'issues',
        'keys',
        'labels',
        'languages',
        'merges',
        'milestones',
        'notifications',
        'pulls',
        'releases',
        'stargazers',
        'statuses',
        'subscribers',
        'subscription',
        'tags',
        'teams',
        'trees',
      ].map((k) => [`${k}_url`, `${api}/${k.replace(/_/g, '/')}`]),
    );
    return {
      ...urls,
      id: this.#view.repositoryId(full),
      node_id: repositoryNodeId(this.#view.repositoryId(full)),
      name,
      full_name: full,
      owner: this.userJson(this.#view.user(owner)),
      private: false,
      html_url: `${html}/${full}`,
      description: null,
      fork: false,
      url: api,
    };
  }

  runJson(r: WorkflowRun) {
    const html = this.#view.baseUrl().replace(/\/api$/, '');
    const url = `${this.#view.baseUrl()}/repos/${r.repo}/actions/runs/${r.id}`;
    return {
      display_title: r.display_title ?? r.workflow,
      head_commit: null,
      head_repository: this.repoJson(r.repo),
      repository: this.repoJson(r.repo),
      jobs_url: `${url}/jobs`,
      logs_url: `${url}/logs`,
      check_suite_url: `${this.#view.baseUrl()}/repos/${r.repo}/check-suites/${r.id}`,
      cancel_url: `${url}/cancel`,
      rerun_url: `${url}/rerun`,
      artifacts_url: `${url}/artifacts`,
      workflow_url: `${this.#view.baseUrl()}/repos/${r.repo}/actions/workflows/1`,
      pull_requests: [],
      id: r.id,
      name: r.workflow,
      node_id: `WFR_${r.id}`,
      head_branch: r.ref.replace(/^refs\/heads\//, ''),
      head_sha: r.head_sha ?? '0'.repeat(40),
      path: `.github/workflows/${r.workflow}`,
      run_number: r.id,
      run_attempt: r.run_attempt,
      event: 'workflow_dispatch',
      status: r.status,
      conclusion: r.conclusion,
      workflow_id: 1,
      url: `${this.#view.baseUrl()}/repos/${r.repo}/actions/runs/${r.id}`,
      html_url: `${html}/${r.repo}/actions/runs/${r.id}`,
      created_at: r.created_at,
      updated_at: r.updated_at,
    };
  }
}

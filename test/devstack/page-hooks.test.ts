// The fault switch that acts between the pages of a comment listing in
// flight: a comment deleted or added after page 1 was read and before page 2
// is answered, over REST (page numbers: an item shifts across the boundary
// and is missed) and over GraphQL (cursors: nothing shifts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Octokit } from '@octokit/rest';
import type { ListingPage } from '../../src/devstack/github-api.ts';
import { commentEditRecords } from '../../src/github/edit-record.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();
const owner = 'demo';
const repo = 'pages';
const REPO = `${owner}/${repo}`;

const client = (login: string) =>
  new Octokit({
    auth: ctx.stack.github.tokenFor(login),
    baseUrl: ctx.stack.githubApiUrl,
    request: { retries: 0 },
  });

async function issueWith(count: number): Promise<number> {
  const gh = ctx.stack.github;
  const issue = await client(owner).rest.issues.create({ owner, repo, title: 'box' });
  gh.seedComments(
    REPO,
    issue.data.number,
    gh.user('crowd'),
    Array.from({ length: count }, (_, i) => `c${i}`),
  );
  return issue.data.number;
}

const restListing = (number: number) =>
  client('reader').paginate(client('reader').rest.issues.listComments, {
    owner,
    repo,
    issue_number: number,
    per_page: 100,
  });

test('REST: a comment deleted between pages shifts the next one onto the page already read', async () => {
  const gh = ctx.stack.github;
  const number = await issueWith(150);
  const all = await restListing(number);
  const seen: ListingPage[] = [];
  gh.betweenPages({
    repository: REPO,
    issue: number,
    page: 2,
    act: async (page) => {
      seen.push(page);
      // The operator deletes a comment from page 1, as GitHub lets the owner.
      await client(owner).rest.issues.deleteComment({ owner, repo, comment_id: all[0]!.id });
    },
  });
  const listed = await restListing(number);
  assert.deepEqual(seen, [{ via: 'rest', repository: REPO, issue: number, page: 2 }]);
  assert.equal(gh.pageHooks.length, 0, 'a run-once hook is gone');
  assert.equal(listed.length, 149, 'page 1 still had the deleted comment');
  const ids = new Set(listed.map((c) => c.id));
  assert.ok(ids.has(all[0]!.id), 'read before it was deleted');
  assert.ok(!ids.has(all[100]!.id), 'the comment that moved to page 1 was never listed');
  assert.equal((await restListing(number)).length, 149, 'a second listing is whole again');
});

test('GraphQL: cursors name comments, so a deletion between pages hides nothing else', async () => {
  const gh = ctx.stack.github;
  const number = await issueWith(150);
  const all = await restListing(number);
  let ran = 0;
  gh.betweenPages({
    issue: number,
    via: 'graphql',
    act: () => {
      ran++;
      return client(owner)
        .rest.issues.deleteComment({ owner, repo, comment_id: all[1]!.id })
        .then(() => undefined);
    },
  });
  const records = await commentEditRecords(client('reader'), REPO, number);
  assert.equal(ran, 1);
  assert.equal(records.size, 150, 'every comment once: the deleted one was read on page 1');
  assert.ok(records.has(all[100]!.id));
});

test('a hook can add a comment mid-listing; `every` keeps it; other issues are left alone', async () => {
  const gh = ctx.stack.github;
  const number = await issueWith(250);
  const other = await issueWith(250);
  const pages: number[] = [];
  const hook = {
    issue: number,
    page: 3,
    every: true,
    act: (page: ListingPage) => {
      pages.push(page.page);
      gh.seedComments(REPO, number, gh.user('late'), ['added while page 3 was asked for']);
    },
  };
  gh.betweenPages(hook);
  assert.equal((await restListing(other)).length, 250);
  assert.deepEqual(pages, [], 'not for another issue');
  assert.equal((await restListing(number)).length, 251);
  assert.equal((await restListing(number)).length, 252);
  assert.deepEqual(pages, [3, 3]);
  assert.ok(gh.pageHooks.includes(hook));
  gh.pageHooks.splice(gh.pageHooks.indexOf(hook), 1);
  assert.equal((await restListing(number)).length, 252);
});

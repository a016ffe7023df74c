// EXPERIMENT ONLY: preloaded into the subgraph children when BENCH_SUBGRAPH_PRELOAD points here.
// PLAZA_EXP_NO_CACHE_CONTROL=1 adds ApolloServerPluginCacheControlDisabled to every ApolloServer
// before it starts: subgraphs never send cache hints, yet Apollo's default cache-control plugin
// wraps every field resolver (schemaInstrumentation / willResolveField) on every request.
const { ApolloServer } = require('@apollo/server');
const { ApolloServerPluginCacheControlDisabled } = require('@apollo/server/plugin/disabled');

if (process.env.PLAZA_EXP_NO_CACHE_CONTROL === '1') {
  const start = ApolloServer.prototype.start;
  ApolloServer.prototype.start = function () {
    this.internals.plugins.push(ApolloServerPluginCacheControlDisabled());
    return start.call(this);
  };
}

// PLAZA_EXP_VOTE_ONE_CHECKOUT=1 (issues subgraph): supportIssue reads the request it answers
// inside its own locking transaction instead of with a second pool checkout after the commit.
// With 1,000 votes queued for 10 pooled connections that second checkout waits behind every
// queued transaction, so all answers leave together at the end (p50 ≈ p99 ≈ the whole run).
if (process.env.PLAZA_EXP_VOTE_ONE_CHECKOUT === '1' && /services\/issues\//.test(process.argv[1] ?? '')) {
  require('reflect-metadata');
  const { join, dirname } = require('node:path');
  const dist = dirname(process.argv[1]);
  const { VotesService } = require(join(dist, 'votes', 'votes.service.js'));
  const { changeIssue, returning } = require(join(dist, 'loop', 'issue-lock.js'));
  const { Issue } = require(join(dist, 'issue', 'issue.entity.js'));
  const { IssueEventKind } = require(join(dist, 'issue', 'issue.enums.js'));
  const { actorOf } = require(join(dist, 'issue', 'issue.service.js'));
  const { requireSignedIn, requireResidentOrStaffOf } = require('@plaza/shared');
  VotesService.prototype.supportChange = async function (viewer, issueId, add) {
    requireSignedIn(viewer);
    return changeIssue(this.ds, issueId, 'issueId', async (q, issue) => {
      requireResidentOrStaffOf(viewer, issue.community_id);
      const changed = add
        ? await returning(q, `INSERT INTO issues.support (issue_id, supporter_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`, [issueId, viewer.id])
        : await returning(q, `DELETE FROM issues.support WHERE issue_id = $1 AND supporter_id = $2 RETURNING 1`, [issueId, viewer.id]);
      let events = [];
      if (changed.length) {
        const [row] = await returning(q, `UPDATE issues.issue SET support_count = support_count + $2 WHERE id = $1 RETURNING support_count`, [issueId, add ? 1 : -1]);
        events = [{ kind: IssueEventKind.SUPPORT_CHANGED, actor: actorOf(viewer), supportCount: row.support_count }];
      }
      const result = await q.manager.getRepository(Issue).findOneByOrFail({ id: issueId });
      return { result, events };
    });
  };
}

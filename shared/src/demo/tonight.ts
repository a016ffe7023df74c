import { stableId } from './random';
import { DEMO_SEED, type DemoWorld } from './world';

/**
 * "Tonight" in the demo city: the demo year (2025) is history, so a screen opened on it has
 * nothing live to show. For the Shanghai day of `now`, one community (the world's first, 方井社区)
 * holds a LIVE night talk with requests and an open plan vote, and every other community has one
 * PLANNED for 19:30. Ids are derived from the day, so seeding the same day twice writes nothing
 * new; the 2025 figures are untouched (everything here is dated today).
 */

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

export interface TonightSession {
  id: string;
  communityId: string;
  title: string;
  themeId: string | null;
  venue: string;
  host: string;
  scheduledAt: Date;
}

export interface DemoTonight {
  day: string;
  /** The community with tonight's LIVE session: open /screen?community=<id>. */
  community: { id: string; name: string; subdistrict: string };
  theme: { id: string; title: string; description: string; category: string; proposedAt: Date };
  live: TonightSession & { startedAt: Date; attendance: { residents: number; partyMembers: number; cadres: number; deputies: number; cppccMembers: number } };
  planned: TonightSession[];
  issues: { id: string; title: string; description: string; category: string; raisedBy: string; raisedAt: Date; supporters: string[] }[];
  plan: { id: string; issueId: string; summary: string; proposedBy: string; proposedAt: Date; votes: { voterId: string; stance: 'FOR' | 'AGAINST' | 'ABSTAIN' }[] };
}

const minutes = (d: Date, n: number) => new Date(d.getTime() + n * 60_000);

export function buildTonight(world: DemoWorld, now: Date): DemoTonight {
  const day = new Date(now.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
  const id = (key: string) => stableId(DEMO_SEED, `tonight:${day}:${key}`);
  const evening = new Date(Date.parse(`${day}T19:30:00+08:00`));
  const c = world.communities[0]!;
  // Live now: started a quarter of an hour ago, or at 19:30 if that has passed.
  const scheduledAt = now.getTime() >= evening.getTime() + 15 * 60_000 ? evening : minutes(now, -20);
  const startedAt = minutes(scheduledAt, 5);
  const month = Number(day.slice(5, 7));
  const themeTitle = '老旧小区加装电梯怎么推进';
  const issues = [
    { key: 'lift', title: '3号楼加装电梯，低层住户有顾虑', description: '一楼二楼担心采光和噪音，希望社区组织协商', category: 'OLD_COMMUNITY_RENOVATION', raisedBy: '王阿姨', at: 8, supporters: 23 },
    { key: 'charging', title: '东门电动车充电桩不够用', description: '晚上排队充电，有人飞线充电存在隐患', category: 'TRAFFIC_PARKING', raisedBy: '李师傅', at: 5, supporters: 15 },
    { key: 'lights', title: '广场路灯晚上九点就熄灭了', description: '跳广场舞和散步的居民看不清路', category: 'PUBLIC_FACILITIES', raisedBy: '赵大爷', at: 2, supporters: 9 },
  ].map((i) => ({
    id: id(`issue:${i.key}`),
    title: i.title,
    description: i.description,
    category: i.category,
    raisedBy: i.raisedBy,
    raisedAt: minutes(startedAt, i.at),
    supporters: Array.from({ length: i.supporters }, (_, n) => `demo-resident-${n + 1}`),
  }));
  const stances: ('FOR' | 'AGAINST' | 'ABSTAIN')[] = [...Array(14).fill('FOR'), ...Array(4).fill('AGAINST'), ...Array(2).fill('ABSTAIN')];
  return {
    day,
    community: { id: c.id, name: c.name, subdistrict: c.subdistrict },
    theme: {
      id: id('theme'),
      title: themeTitle,
      description: '入户走访中 37 户提出加装电梯，需协商出资和低层补偿',
      category: 'OLD_COMMUNITY_RENOVATION',
      proposedAt: minutes(scheduledAt, -7 * 24 * 60),
    },
    live: {
      id: id(`session:${c.id}`),
      communityId: c.id,
      title: `${month}月广场夜话 · 今晚`,
      themeId: id('theme'),
      venue: '社区文化广场',
      host: '王书记',
      scheduledAt,
      startedAt,
      attendance: { residents: 86, partyMembers: 23, cadres: 9, deputies: 3, cppccMembers: 2 },
    },
    planned: world.communities.slice(1).map((o) => ({
      id: id(`session:${o.id}`),
      communityId: o.id,
      title: `${month}月广场夜话`,
      themeId: null,
      venue: '社区文化广场',
      host: '社区书记',
      scheduledAt: evening,
    })),
    issues,
    plan: {
      id: id('plan:lift'),
      issueId: issues[0]!.id,
      summary: '低层住户按楼层给予补偿，电梯费用按楼层分摊',
      proposedBy: '王书记',
      proposedAt: minutes(startedAt, 10),
      votes: stances.map((stance, n) => ({ voterId: `demo-resident-${n + 1}`, stance })),
    },
  };
}

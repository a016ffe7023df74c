import { lazyLoaderSet } from '../src/loaders';

describe('lazyLoaderSet', () => {
  it('builds a group only when one of its members is first used, once per set, with that set’s arguments', () => {
    const built: string[] = [];
    const set = lazyLoaderSet(
      (who: string) => (built.push(`a:${who}`), { a1: { who }, a2: { who } }),
      (who: string) => (built.push(`b:${who}`), { b1: { who } }),
    );
    set('first'); // learns the member names (and builds every group of this one set)
    built.length = 0;
    const s = set('x');
    const t = set('y');
    expect(built).toEqual([]);
    expect(s.a1.who).toBe('x');
    expect(s.a2).toBe(s.a2);
    expect(built).toEqual(['a:x']);
    expect(t.b1.who).toBe('y');
    expect(built).toEqual(['a:x', 'b:y']);
    expect(Object.keys(Object.getPrototypeOf(s)).sort()).toEqual(['a1', 'a2', 'b1']);
  });

  it('refuses two groups that name the same loader', () => {
    const set = lazyLoaderSet(
      () => ({ same: 1 }),
      () => ({ same: 2 }),
    );
    expect(() => set()).toThrow('two groups define the loader "same"');
  });
});

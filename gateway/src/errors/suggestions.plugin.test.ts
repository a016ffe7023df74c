import { withoutSuggestions } from './suggestions.plugin';

describe('withoutSuggestions', () => {
  it('drops one or several suggestions and keeps the rest of the message', () => {
    expect(withoutSuggestions('Value "SAFTY" does not exist in "IssueCategory" enum. Did you mean the enum value "SAFETY"?')).toBe('Value "SAFTY" does not exist in "IssueCategory" enum.');
    expect(withoutSuggestions('Cannot query field "x" on type "Query". Did you mean "a", "b", or "c"?')).toBe('Cannot query field "x" on type "Query".');
    expect(withoutSuggestions('nothing to drop')).toBe('nothing to drop');
  });
});

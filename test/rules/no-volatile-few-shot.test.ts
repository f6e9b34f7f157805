import { ruleTester } from '../helpers/rule-tester.js';

ruleTester.run('no-volatile-few-shot', {
  valid: [
    { name: 'inline LangChain examples', code: { segments: [{ level: 'system', text: 'examples:\n- input: happy\n  output: sad' }], doc: { format: 'langchain-few-shot' } } },
    { name: 'fixed loop', code: { segments: [{ level: 'system', text: '{% for ex in examples %}{{ ex }}{% endfor %}\nClassify.' }] } },
    { name: 'sample input is not sampling', code: { segments: [{ level: 'system', text: 'Input: {{ sample_input }}\nClassify.' }] } },
  ],
  invalid: [
    { name: 'shuffle filter', code: { segments: [{ level: 'system', text: 'Examples:\n{% for ex in examples | shuffle %}{{ ex }}{% endfor %}\nClassify.' }] }, errors: [{ messageId: 'randomized', line: 2, column: 1 }] },
    { name: 'random.sample', code: { segments: [{ level: 'system', text: '${random.sample(examples, 3)}\nClassify.' }] }, errors: [{ messageId: 'randomized' }] },
    {
      name: 'LangChain example selector and examples file',
      code: { segments: [{ level: 'system', text: 'examples: examples.json\nexample_selector:\n  type: semantic_similarity' }], doc: { format: 'langchain-few-shot' } },
      errors: [{ messageId: 'externalFile', line: 1, message: "'examples.json'" }, { messageId: 'selector', line: 2 }],
    },
  ],
});

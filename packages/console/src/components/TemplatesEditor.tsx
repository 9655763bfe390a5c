import { json } from '@codemirror/lang-json';
import { type Diagnostic, linter, lintGutter } from '@codemirror/lint';
import type { JsonSchema } from '@passline/contracts';
import CodeMirror, { EditorView } from '@uiw/react-codemirror';
import { useId, useMemo } from 'react';
import { checkTemplates, type TemplateVocabulary } from '../template-lint.ts';

/**
 * The templates as JSON, with syntax highlighting and checks as the admin types. Problems are
 * marked at their place in the editor and listed in words (with the line) underneath, where
 * screen readers announce them.
 */
export function TemplatesEditor(props: {
  label: string;
  description?: string | undefined;
  value: string;
  onChange: (value: string) => void;
  itemSchema: JsonSchema | undefined;
  vocabulary: TemplateVocabulary;
  /** The connector works without templates (http-sms): an empty editor is not a problem. */
  optional?: boolean;
  serverIssues: string[];
}) {
  const labelId = useId();
  const problemsId = useId();
  const { itemSchema, vocabulary } = props;
  const options = useMemo(() => ({ optional: props.optional === true }), [props.optional]);
  const extensions = useMemo(
    () => [
      json(),
      lintGutter(),
      linter(
        (view): Diagnostic[] =>
          checkTemplates(view.state.doc.toString(), itemSchema, vocabulary, options).problems.map((problem) => ({
            from: problem.from,
            to: Math.max(problem.to, problem.from),
            severity: 'error',
            message: problem.message,
          })),
        { delay: 200 },
      ),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ 'aria-labelledby': labelId, 'aria-describedby': problemsId }),
    ],
    [itemSchema, vocabulary, options, labelId, problemsId],
  );
  const check = checkTemplates(props.value, itemSchema, vocabulary, options);
  const problems = check.problems;
  return (
    <div className="field">
      <span className="label" id={labelId}>
        {props.label} <span className="muted">(JSON)</span>
      </span>
      {props.description ? <p className="help">{props.description}</p> : null}
      <div className={problems.length ? 'editor editor-invalid' : 'editor'} data-testid="templates-editor">
        <CodeMirror
          value={props.value}
          onChange={props.onChange}
          extensions={extensions}
          basicSetup={{ foldGutter: false, highlightActiveLine: false, autocompletion: false }}
          minHeight="12rem"
          maxHeight="28rem"
        />
      </div>
      <div id={problemsId} aria-live="polite">
        {problems.length || props.serverIssues.length ? (
          <ul className="problems" data-testid="template-problems">
            {problems.map((problem) => (
              <li key={`${problem.from}:${problem.message}`}>
                <strong>Line {problem.line}:</strong> {problem.message}
              </li>
            ))}
            {problems.length === 0 ? props.serverIssues.map((issue) => <li key={issue}>{issue}</li>) : null}
          </ul>
        ) : check.ok && check.value === undefined ? (
          <p className="help ok-text">No templates: they are optional for this connector.</p>
        ) : (
          <p className="help ok-text">Templates look good: every usage has one.</p>
        )}
      </div>
    </div>
  );
}

import { useEffect, useState } from 'react';

/**
 * Copies `text` and says so next to the button (announced to screen readers). When the browser
 * refuses the clipboard (no permission, not a secure origin) it says to select the text instead.
 */
export function CopyButton(props: { text: string; label: string }) {
  const [outcome, setOutcome] = useState<'copied' | 'failed'>();
  useEffect(() => {
    if (!outcome) return;
    const timer = setTimeout(() => setOutcome(undefined), 4000);
    return () => clearTimeout(timer);
  }, [outcome]);

  async function copy() {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(props.text);
      setOutcome('copied');
    } catch {
      setOutcome('failed');
    }
  }

  return (
    <span className="copy">
      <button type="button" aria-label={props.label} onClick={() => void copy()}>
        Copy
      </button>
      <span role="status" className="muted small">
        {outcome === 'copied' ? 'Copied.' : outcome === 'failed' ? 'Could not copy: select the text instead.' : ''}
      </span>
    </span>
  );
}

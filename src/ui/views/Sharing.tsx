/**
 * Share, export and import of the scenario, the message when a link or file cannot be opened, and the
 * question asked before a link replaces the user's own program. Every text from a scenario is rendered as
 * text (React escapes it); nothing from a link is ever run or parsed as HTML.
 */
import { useRef } from 'react';
import { useStore } from '../store.ts';

/** Offers `text` as a file download named `name`. */
function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const fileName = (title: string): string => `${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'scenario'}.tagscope.json`;

export function ShareTools() {
  const share = useStore((s) => s.share);
  const exportJson = useStore((s) => s.exportJson);
  const importJson = useStore((s) => s.importJson);
  const shareUrl = useStore((s) => s.shareUrl);
  const title = useStore((s) => s.base.title);
  const fileRef = useRef<HTMLInputElement>(null);
  return (
    <div className="row-tools share" role="group" aria-label="Share and files">
      <button type="button" onClick={share} title="Put the whole scenario, the current step and the selection into the page address">Share</button>
      <button type="button" onClick={() => download(fileName(title), exportJson(), 'application/json')}>Export JSON</button>
      <button type="button" onClick={() => fileRef.current?.click()}>Import JSON…</button>
      <input
        ref={fileRef} type="file" accept=".json,application/json" hidden aria-label="Import a scenario file" data-testid="json-import"
        onChange={async (e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) importJson(f.name, f.size > 8 << 20 ? '' : await f.text());
        }}
      />
      {shareUrl && (
        <input className="share-url mono" readOnly value={shareUrl} aria-label="Link to this scenario (copied)" data-testid="share-url" onFocus={(e) => e.target.select()} />
      )}
    </div>
  );
}

export function Notice() {
  const notice = useStore((s) => s.notice);
  const dismiss = useStore((s) => s.dismissNotice);
  if (!notice) return null;
  return (
    <div className="banner error" role="alert" data-testid="notice">
      <span>{notice}</span> The program in the editor is unchanged.{' '}
      <a href="#gallery" onClick={dismiss}>Open a demo from the gallery</a>{' '}
      <button type="button" onClick={dismiss}>Dismiss</button>
    </div>
  );
}

export function OpenDialog() {
  const pending = useStore((s) => s.pendingOpen);
  const answer = useStore((s) => s.answerPendingOpen);
  const draft = useStore((s) => s.programText);
  if (!pending) return null;
  return (
    <div className="backdrop">
      <div className="dialog panel" role="dialog" aria-modal="true" aria-labelledby="open-title" aria-describedby="open-text" data-testid="open-dialog">
        <h2 id="open-title">Replace your program?</h2>
        <p id="open-text">
          Opening {pending.source} shows “{pending.scenario.title}” and replaces the program you wrote in the editor.
        </p>
        <div className="row-tools">
          <button type="button" autoFocus onClick={() => answer(false)}>Keep my program</button>
          <button type="button" onClick={() => download('my-program.s', draft, 'text/plain')}>Download my program</button>
          <button type="button" className="primary" onClick={() => answer(true)}>Open it</button>
        </div>
      </div>
    </div>
  );
}

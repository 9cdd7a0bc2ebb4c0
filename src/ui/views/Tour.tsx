/**
 * The guided tour of the opened scenario: the step's title and text, next and previous, and a presenter
 * mode (large type, the keyboard moves between steps) for a projector. Each step has its own URL.
 */
import { useEffect } from 'react';
import { useStore } from '../store.ts';

/** The panel each step's `view` brings forward. */
export const VIEW_PANEL: Record<string, string> = { heatmap: 'heatmap', pointer: 'inspector', tables: 'tables', cpu: 'registers', events: 'events' };

export function Tour() {
  const tourStep = useStore((s) => s.tourStep);
  const base = useStore((s) => s.base);
  const presenter = useStore((s) => s.presenter);
  const pending = useStore((s) => s.pendingActions);
  const goToStep = useStore((s) => s.goToStep);
  const leave = useStore((s) => s.leaveTour);
  const setPresenter = useStore((s) => s.setPresenter);

  useEffect(() => {
    if (tourStep === null) return;
    const onKey = (e: KeyboardEvent): void => {
      const target = e.target as HTMLElement | null;
      if (!presenter && target?.closest('input, textarea, select, canvas')) return;
      if (e.key === 'ArrowRight' || e.key === 'PageDown' || (presenter && e.key === ' ')) goToStep(tourStep + 1);
      else if (e.key === 'ArrowLeft' || e.key === 'PageUp') goToStep(tourStep - 1);
      else if (e.key === 'Escape' && presenter) setPresenter(false);
      else return;
      e.preventDefault();
    };
    // Outside presenter mode the arrows belong to the focused control; only presenter mode takes them page-wide.
    if (!presenter) return;
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [tourStep, presenter, goToStep, setPresenter]);

  useEffect(() => {
    if (tourStep === null || pending > 0) return;
    const view = base.steps[tourStep]?.view;
    const panel = view ? document.querySelector(`[data-panel="${VIEW_PANEL[view]}"]`) : null;
    panel?.scrollIntoView({ block: 'nearest' });
  }, [tourStep, pending, base]);

  if (tourStep === null) return null;
  const step = base.steps[tourStep];
  if (!step) return null;
  const n = base.steps.length;
  return (
    <section className={`panel tour${presenter ? ' presenter' : ''}`} aria-labelledby="tour-title" data-testid="tour" data-step={tourStep + 1} data-ready={pending === 0}>
      <p className="muted tour-scenario">{base.title} · step {tourStep + 1} of {n}</p>
      <h2 id="tour-title">{step.title}</h2>
      <p className="tour-text" aria-live="polite">{step.text}</p>
      <div className="row-tools" role="group" aria-label="Tour navigation">
        <button type="button" onClick={() => goToStep(tourStep - 1)} disabled={tourStep === 0}>← Previous</button>
        <button type="button" onClick={() => goToStep(tourStep + 1)} disabled={tourStep === n - 1}>Next →</button>
        <button type="button" aria-pressed={presenter} onClick={() => setPresenter(!presenter)}>{presenter ? 'Leave presenter mode' : 'Presenter mode'}</button>
        <button type="button" onClick={leave}>Leave the tour</button>
        {pending > 0 && <span className="muted">preparing the step…</span>}
      </div>
    </section>
  );
}

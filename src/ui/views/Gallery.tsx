/** The start page's gallery: every demo as a link that opens it at the first step of its tour. */
import { demoFragment } from '../scenario.ts';
import { useStore } from '../store.ts';

export function Gallery() {
  const demos = useStore((s) => s.demos);
  const groups = [...new Set(demos.map((d) => d.group))];
  return (
    <details className="panel gallery" id="gallery" open={location.hash === '' || location.hash === '#gallery'}>
      <summary><h2>Demos</h2> <span className="muted">guided tours, one concept each</span></summary>
      {groups.map((g) => (
        <section key={g} aria-label={g}>
          <h3>{g}</h3>
          <ul className="cards">
            {demos.filter((d) => d.group === g).map((d) => (
              <li key={d.id}>
                <a className="card" href={`#${demoFragment(d.id)}`} data-demo={d.id}>
                  <strong>{d.scenario.title}</strong>
                  <span className="muted">{d.scenario.description}</span>
                  <span className="muted small">{d.scenario.steps.length} steps</span>
                </a>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </details>
  );
}

import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { desktopImageBridge } from '../desktop-bridge.js';
import { chartFileName, type ChartImageFormat } from '../logic/chart-export.js';
import { canCopyChart, copyChart } from './chart-clipboard.js';
import { chartSvgIn, downloadFile, renderPng, serialiseChart } from './chart-image.js';

export interface ChartExportMenuProps {
  /** The element holding the chart's <svg>, read when an item is chosen. */
  readonly target: () => Element | null;
  readonly title: string;
  readonly units?: readonly string[];
  /** data-testid prefix: `<testId>-button`, `<testId>-svg`, `<testId>-png`, `<testId>-copy`. */
  readonly testId?: string;
  readonly disabled?: boolean;
}

type Action = ChartImageFormat | 'copy';

/**
 * "Export ▾" on a chart: save as SVG or PNG (browser mode: a download; desktop: a save dialog), and copy the
 * image (PNG and SVG) to the clipboard where the desktop app or the browser's Clipboard API allows it. A menu button: Enter/Space/↓ open it, ↑/↓ move, Escape closes.
 */
export function ChartExportMenu({
  target,
  title,
  units = [],
  testId = 'chart-export',
  disabled,
}: ChartExportMenuProps) {
  const [open, setOpen] = useState(false);
  const [status, setStatus] = useState('');
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const desktop = desktopImageBridge();
  const actions: readonly { readonly id: Action; readonly label: string }[] = [
    { id: 'svg', label: 'Save as SVG' },
    { id: 'png', label: 'Save as PNG' },
    ...(canCopyChart(desktop) ? [{ id: 'copy' as const, label: 'Copy image' }] : []),
  ];

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
    const outside = (event: MouseEvent) => {
      if (!menu.current?.contains(event.target as Node) && event.target !== button.current) setOpen(false);
    };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };

  const run = async (action: Action) => {
    close();
    const svg = chartSvgIn(target());
    if (svg === null) {
      setStatus('Nothing drawn to export yet.');
      return;
    }
    try {
      const chart = serialiseChart(svg, { title, units });
      if (action === 'copy') {
        await copyChart(chart, desktop);
        setStatus('Copied to the clipboard');
        return;
      }
      const format: ChartImageFormat = action === 'svg' ? 'svg' : 'png';
      const blob =
        format === 'svg' ? new Blob([chart.svg], { type: 'image/svg+xml;charset=utf-8' }) : await renderPng(chart);
      const name = chartFileName(title, format, new Date());
      if (desktop === null) {
        downloadFile(blob, name);
        setStatus(`Saved ${name}`);
        return;
      }
      const data = new Uint8Array(await blob.arrayBuffer());
      const saved = await desktop.saveImage({ name, data });
      setStatus(saved.saved ? `Saved ${saved.path ?? name}` : '');
    } catch (error) {
      setStatus(`Could not export the chart: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const onMenuKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const items = [...(menu.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === 'Escape') close();
    else if (event.key === 'ArrowDown') items[(at + 1) % items.length]?.focus();
    else if (event.key === 'ArrowUp') items[(at - 1 + items.length) % items.length]?.focus();
    else if (event.key === 'Tab') setOpen(false);
    else return;
    if (event.key !== 'Tab') event.preventDefault();
  };

  return (
    <div className="chart-export">
      <button
        ref={button}
        type="button"
        className="chart-export-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={`Export chart: ${title}`}
        title="Export this chart as an image"
        disabled={disabled}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            setOpen(true);
          }
        }}
        data-testid={`${testId}-button`}
      >
        Export ▾
      </button>
      {open ? (
        <div ref={menu} className="chart-export-menu" role="menu" aria-label="Export chart" onKeyDown={onMenuKey}>
          {actions.map((action) => (
            <button
              key={action.id}
              type="button"
              role="menuitem"
              tabIndex={-1}
              onClick={() => void run(action.id)}
              data-testid={`${testId}-${action.id}`}
            >
              {action.label}
            </button>
          ))}
        </div>
      ) : null}
      <span className="chart-export-status muted small" role="status" aria-live="polite">
        {status}
      </span>
    </div>
  );
}

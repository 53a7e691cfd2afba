export interface ErrorBannerProps {
  readonly message: string | null;
  readonly onDismiss: () => void;
  readonly testId?: string;
}

/** A dismissible error message. */
export function ErrorBanner({ message, onDismiss, testId = 'error-banner' }: ErrorBannerProps) {
  if (message === null) return null;
  return (
    <div className="error-banner" role="alert" data-testid={testId}>
      <span className="error-icon" aria-hidden="true">
        ⚠
      </span>
      <span className="error-text">{message}</span>
      <button
        type="button"
        className="icon-button"
        aria-label="Dismiss error"
        onClick={onDismiss}
        data-testid={`${testId}-dismiss`}
      >
        ×
      </button>
    </div>
  );
}

import type { ReactNode } from 'react';

export type BannerTone = 'info' | 'success' | 'warning' | 'danger';

/**
 * A message that belongs to the whole page (e.g. "writing to the local sandbox"). Warnings and dangers
 * are announced as alerts; information stays a quiet note so it is not re-announced on every screen.
 */
export function Banner({
  tone = 'info',
  title,
  children,
  action,
}: {
  tone?: BannerTone;
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  const urgent = tone === 'warning' || tone === 'danger';
  return (
    <div className={`banner banner--${tone}`} role={urgent ? 'alert' : 'note'}>
      <div className="banner__text">
        <strong className="banner__title">{title}</strong>
        {children && <span className="banner__body">{children}</span>}
      </div>
      {action && <div className="banner__action">{action}</div>}
    </div>
  );
}

import { LinkButton } from '../components/Button.tsx';
import { EmptyState } from '../components/states.tsx';
import { paths } from '../paths.ts';

export function NotFoundScreen() {
  return (
    <div className="screen">
      <EmptyState
        title="This page does not exist"
        action={<LinkButton to={paths.migrations}>Go to migrations</LinkButton>}
      >
        The link may be out of date.
      </EmptyState>
    </div>
  );
}

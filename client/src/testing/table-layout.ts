// jsdom has no layout: give a table's scroll area a size and make scrolling fire the scroll event, so
// the virtualiser renders the rows a browser would show.
import { vi } from 'vitest';

export function mockTableLayout(viewportHeight = 400): void {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (this: HTMLElement) {
    return this.classList.contains('table__scroll') ? viewportHeight : 0;
  });
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(800);
  vi.spyOn(HTMLElement.prototype, 'scrollHeight', 'get').mockImplementation(function (this: HTMLElement) {
    const body = this.querySelector<HTMLElement>('tbody');
    return this.classList.contains('table__scroll') ? 40 + Number.parseFloat(body?.style.height || '0') : 0;
  });
  HTMLElement.prototype.scrollTo = function (this: HTMLElement, options?: ScrollToOptions | number) {
    if (typeof options === 'object' && options.top !== undefined) this.scrollTop = options.top;
    this.dispatchEvent(new Event('scroll'));
  } as typeof HTMLElement.prototype.scrollTo;
}

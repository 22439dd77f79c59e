import { afterEach, describe, expect, it } from 'vitest';
import { isInPipedrive, parseLaunch, readLaunch } from './launch.ts';

describe('parseLaunch', () => {
  it("reads Pipedrive's iframe parameters", () => {
    expect(parseLaunch('?id=abc-123&companyId=4242&userId=77&token=x.y.z&theme=dark', true)).toEqual({
      identifier: 'abc-123',
      companyId: 4242,
      userId: 77,
      theme: 'dark',
      framed: true,
    });
  });

  it('ignores values that are not what Pipedrive sends', () => {
    expect(parseLaunch('?id=&companyId=-1&userId=7x&theme=blue', false)).toEqual({
      identifier: null,
      companyId: null,
      userId: null,
      theme: null,
      framed: false,
    });
  });

  it('is inside Pipedrive only with an id and a parent frame', () => {
    expect(isInPipedrive(parseLaunch('?id=a', true))).toBe(true);
    expect(isInPipedrive(parseLaunch('?id=a', false))).toBe(false);
    expect(isInPipedrive(parseLaunch('', true))).toBe(false);
  });
});

describe('readLaunch', () => {
  afterEach(() => {
    sessionStorage.clear();
    window.history.replaceState(null, '', '/');
  });

  function framedWindow(search: string): Window {
    window.history.replaceState(null, '', `/migrations${search}`);
    return { parent: {}, location: window.location, sessionStorage } as unknown as Window;
  }

  it('remembers the launch for a reload of the frame on a deep link without the query', () => {
    readLaunch(framedWindow('?id=abc&companyId=5&userId=6&theme=dark'));
    expect(readLaunch(framedWindow(''))).toEqual({
      identifier: 'abc',
      companyId: 5,
      userId: 6,
      theme: 'dark',
      framed: true,
    });
  });

  it('does not reuse a remembered launch in a page that is not framed', () => {
    readLaunch(framedWindow('?id=abc'));
    window.history.replaceState(null, '', '/migrations');
    expect(readLaunch(window).identifier).toBeNull();
  });
});

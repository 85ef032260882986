// A ref that always holds the latest value, for listeners bound once (keyboard, stable callbacks).
// Written after commit, never during render.
import { useLayoutEffect, useRef, type RefObject } from 'react';

export function useLatest<T>(value: T): RefObject<T> {
  const ref = useRef(value);
  useLayoutEffect(() => {
    ref.current = value;
  });
  return ref;
}

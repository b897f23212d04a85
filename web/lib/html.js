// The view library in one import: `html` (htm bound to Preact's h), `render`, and the hooks.
//   import { html, useState, useEffect } from '../lib/html.js';
import htm from '../vendor/htm.mjs';
import { h, render, Fragment, createContext, toChildArray } from '../vendor/preact.mjs';

/** @typedef {import('../vendor/preact.mjs').ComponentChildren} ComponentChildren */
/** @typedef {import('../vendor/preact.mjs').VNode<any>} VNode */

/**
 * Tagged template for markup: html`<p class="x">${text}</p>`.
 * @type {(strings: TemplateStringsArray, ...values: any[]) => any}
 */
export const html = htm.bind(h);

export { h, render, Fragment, createContext, toChildArray };
export {
  useState,
  useEffect,
  useLayoutEffect,
  useRef,
  useMemo,
  useCallback,
  useReducer,
  useContext,
  useId,
  useErrorBoundary,
} from '../vendor/hooks.mjs';

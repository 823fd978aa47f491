/**
 * The view registry: each view folder under src/ui/views/<id>/ has one `<Name>View.tsx`
 * with a default export. Views are code-split and loaded when first opened.
 */
import { lazy } from 'react';
import type { ComponentType, LazyExoticComponent } from 'react';
import type { ViewId } from '../lab/store.ts';

const modules = import.meta.glob<{ default: ComponentType }>('../views/*/*View.tsx');

export const VIEW_TITLES: Record<ViewId, string> = {
  topology: 'Topology',
  layers: 'Layers',
  ladder: 'Ladder diagram',
  inspector: 'Packet inspector',
  events: 'Events',
  charts: 'Charts',
  node: 'Device tables',
  editor: 'Scenario editor',
  terminal: 'Terminal',
};

const cache = new Map<ViewId, LazyExoticComponent<ComponentType>>();

export function viewComponent(id: ViewId): LazyExoticComponent<ComponentType> | null {
  const hit = cache.get(id);
  if (hit) return hit;
  const key = Object.keys(modules).find((k) => k.startsWith(`../views/${id}/`));
  if (!key) return null;
  const c = lazy(modules[key]!);
  cache.set(id, c);
  return c;
}

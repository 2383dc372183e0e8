// Every element is built with createElement and every value goes in as text: data from a payload
// is never parsed as markup.

/**
 * el('li', {className: 'x', dataset: {wamid}, attrs: {'aria-label': 'y'}}, child, 'text', ...)
 * Strings and numbers become text nodes; null, undefined and false are skipped.
 */
export function el(tag, options = {}, ...children) {
  const node = document.createElement(tag);
  const { className, dataset, attrs, on, ...properties } = options;
  if (className) node.className = className;
  for (const [name, value] of Object.entries(dataset ?? {})) {
    if (value !== null && value !== undefined) node.dataset[name] = String(value);
  }
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(name, String(value));
  }
  for (const [name, handler] of Object.entries(on ?? {})) {
    node.addEventListener(name, handler);
  }
  for (const [name, value] of Object.entries(properties)) {
    if (name === 'innerHTML' || name === 'outerHTML') throw new Error('markup is never set from data');
    node[name] = value;
  }
  append(node, ...children);
  return node;
}

export function append(node, ...children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node;
}

export function show(node, visible) {
  node.hidden = !visible;
}

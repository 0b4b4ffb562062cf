import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { kiosk } from './lib/kiosk.svelte';

// A touch kiosk: a long press must not open a context menu.
window.addEventListener('contextmenu', (event) => event.preventDefault());

kiosk.start();

const target = document.getElementById('app');
if (!target) throw new Error('kiosk-ui: #app is missing from index.html');
mount(App, { target });

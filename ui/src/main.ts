import "./styles/main.scss";
import { mount } from "svelte";
import App from "./App.svelte";

// govuk-frontend's CSS looks for these classes to know scripts run (GOV.UK pages add them
// with an inline script, which our CSP forbids).
document.body.classList.add("js-enabled", "govuk-frontend-supported");

mount(App, { target: document.body });

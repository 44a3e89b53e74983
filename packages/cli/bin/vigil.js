#!/usr/bin/env node
// A committed shim so npm can link the bin before the first build has run.
import "../dist/main.js";

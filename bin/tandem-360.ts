#!/usr/bin/env node
// Entry point for the CDK CLI (`npx cdk synth|deploy -c stage=dev`).
import { buildApp } from '../lib/app';

buildApp().app.synth();

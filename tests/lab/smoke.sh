#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# `tests/run lab`: the VM lab's smoke test (scripts/lab/smoke prints the result lines).
"$(dirname "$0")/../../scripts/lab/smoke" || true

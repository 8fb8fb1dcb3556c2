/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef LT_VERSION_H
#define LT_VERSION_H
#define LT_VERSION "0.1.0"
#endif

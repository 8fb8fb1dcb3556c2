# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# libFuzzer harnesses (tests/fuzz/fuzz_*.c) against the library's parsers,
# every src/*.c but main.c rebuilt with clang and ASan + UBSan into
# build/fuzz/.  `make fuzz` runs each for FUZZ_SECONDS (tests/run fuzz);
# `make test` builds them and tests/run runs them with the other suites.

FUZZ_CC      ?= clang
FUZZ_OUT     := build/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS  := -g -O1 -std=gnu11 -Wall -Wextra -Werror -MMD -MP -Isrc -Ibpf -I$(OUT) \
		-Wno-bitwise-instead-of-logical $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_SRCS    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS    := $(patsubst tests/fuzz/%.c,$(FUZZ_OUT)/%,$(FUZZ_SRCS))
FUZZ_OBJS    := $(patsubst src/%.c,$(FUZZ_OUT)/obj/%.o,$(filter-out src/main.c,$(SRCS)))
FUZZ_LIB     := $(FUZZ_OUT)/liblivelock.a
FUZZ_SECONDS ?= 30

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) tests/run fuzz

$(FUZZ_OUT)/obj/%.o: src/%.c | $(SKELS) $(FUZZ_OUT)/obj
	$(call msg,FUZZ-CC,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_LIB): $(FUZZ_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_OUT)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB)
	$(call msg,FUZZ-LD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -Itests/fuzz -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB) $(LDLIBS)

$(FUZZ_OUT)/obj:
	$(Q)mkdir -p $@

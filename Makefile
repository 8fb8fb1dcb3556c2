# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# livelock-trace build.  `make` builds ./livelock-trace, `make test` runs every
# test, `make STATIC=1` builds ./livelock-trace-static for the lab guest;
# `make install`, `make deb`: mk/install.mk; `make fuzz`: mk/fuzz.mk.
# Rule chain: bpf/X.bpf.c -> build/X.bpf.o -> build/X.skel.h -> src objects -> binary.

CLANG   ?= clang
BPFTOOL ?= bpftool
LLVM_STRIP ?= llvm-strip
CC      ?= gcc
ARCH    := x86

ifeq ($(STATIC),1)
OUT     := build/static
BIN     := livelock-trace-static
LDFLAGS += -static
LDLIBS  := -lbpf -lelf -lz -lzstd -lm
else
OUT     := build/dyn
BIN     := livelock-trace
LDLIBS  := -lbpf -lelf -lz -lm
endif

CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -Werror -MMD -MP -Isrc -Ibpf -I$(OUT)
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
              -Ivmlinux -Ibpf -MMD -MP

# The commit --version names: a stamp rewritten only when it changes, so cli.o
# is rebuilt exactly then; "unknown" outside a git checkout.
GIT_COMMIT := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
COMMIT_STAMP = $(OUT)/git-commit

BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(OUT)/%.bpf.o,$(BPF_SRCS))
SKELS     := $(patsubst bpf/%.bpf.c,$(OUT)/%.skel.h,$(BPF_SRCS))
SRCS      := $(wildcard src/*.c)
OBJS      := $(patsubst src/%.c,$(OUT)/%.o,$(SRCS))
LIB_OBJS  := $(filter-out $(OUT)/main.o,$(OBJS))
LIB       := $(OUT)/liblivelock.a
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(UNIT_SRCS))
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(patsubst tests/tools/%.c,$(OUT)/tools/%,$(TOOL_SRCS))

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all test unit tools clean bench floor lab lab-smoke static FORCE \
	install uninstall deb man fuzz fuzz-build

all: $(BIN) tools

$(BIN): $(OUT)/main.o $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(LIB): $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUT)/%.o: src/%.c | $(SKELS) $(OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(COMMIT_STAMP): FORCE | $(OUT)
	$(Q)[ "$$(cat $@ 2>/dev/null)" = "$(GIT_COMMIT)" ] || echo "$(GIT_COMMIT)" > $@

$(OUT)/cli.o: CFLAGS += -DLT_GIT_COMMIT='"$(GIT_COMMIT)"'
$(OUT)/cli.o: $(COMMIT_STAMP)

$(OUT)/%.bpf.o: bpf/%.bpf.c | $(OUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MT $@ -MF $(@:.o=.d) -c $< -o $@.tmp
	$(Q)$(LLVM_STRIP) -g $@.tmp -o $@ && rm -f $@.tmp

$(OUT)/%.skel.h: $(OUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@

$(OUT)/tests/%: tests/unit/%.c $(LIB) | $(OUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) -lcmocka $(LDLIBS)

$(OUT)/tools/%: tests/tools/%.c | $(OUT)/tools
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lm

# The benchmarks' floor (scripts/bench/floor.bpf.c: empty programs on our hooks
# and an XDP_PASS program; floor.c: their loader), with the tool's flags, into
# FLOOR_DIR.  Not part of the tool; scripts/bench/build-floor calls it.
FLOOR_DIR ?= build/bench

floor: $(FLOOR_DIR)/floor.bpf.o $(FLOOR_DIR)/floor

$(FLOOR_DIR)/floor.bpf.o: scripts/bench/floor.bpf.c | $(FLOOR_DIR)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(FLOOR_DIR)/floor: scripts/bench/floor.c | $(FLOOR_DIR)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lbpf

$(OUT) $(OUT)/tests $(OUT)/tools $(FLOOR_DIR):
	$(Q)mkdir -p $@

tools: $(TOOL_BINS)
unit: $(UNIT_BINS)

# The one test command: unit tests always; integration tests and the lab
# smoke (QEMU guests with real NIC drivers) as root.
test: $(BIN) unit tools static fuzz-build
	$(Q)tests/run

bench: $(BIN) tools
	$(Q)scripts/bench/run

# The lab guest has no libc: it gets the statically linked tool and sink.
static:
	$(Q)$(MAKE) --no-print-directory STATIC=1 livelock-trace-static tools

lab: $(BIN) tools static
	$(Q)scripts/lab/sweep

lab-smoke: $(BIN) tools static
	$(Q)scripts/lab/smoke

clean:
	rm -rf build livelock-trace livelock-trace-static

include mk/install.mk mk/fuzz.mk

-include $(OBJS:.o=.d) $(BPF_OBJS:.o=.d) $(UNIT_BINS:=.d) $(TOOL_BINS:=.d) \
	 $(FLOOR_DIR)/floor.bpf.d $(FLOOR_DIR)/floor.d $(FUZZ_OBJS:.o=.d) $(FUZZ_BINS:=.d)

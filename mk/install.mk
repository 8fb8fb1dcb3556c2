# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# `make install` / `make uninstall` under PREFIX (default /usr/local) and
# DESTDIR, and `make deb`: a Debian package made with dpkg-deb from a staged
# DESTDIR, its Depends from dpkg-shlibdeps.  The man page is
# docs/livelock-trace.8.rst through rst2man (python3-docutils).

PREFIX         ?= /usr/local
SBINDIR        ?= $(PREFIX)/sbin
DATADIR        ?= $(PREFIX)/share
MANDIR         ?= $(DATADIR)/man
BASHCOMPDIR    ?= $(DATADIR)/bash-completion/completions
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
CONTRIBDIR     ?= $(DATADIR)/livelock-trace
RST2MAN        ?= rst2man
INSTALL        ?= install

VERSION    := $(shell sed -n 's/^\#define LT_VERSION "\(.*\)"/\1/p' src/version.h)
MAN_RST    := docs/livelock-trace.8.rst
MAN_OUT    := build/man/livelock-trace.8
MAN_STAMP  := build/man/paths
MAN_PATHS   = $(VERSION) $(SYSTEMDUNITDIR) $(DATADIR)
UNIT       := contrib/systemd/livelock-trace-exporter.service
# ExecStart in the repository's unit (the README's install by hand); installed, it is SBINDIR's
UNIT_EXEC  := /usr/local/bin/livelock-trace

# The page names the installed paths, so it is rebuilt when they change.
$(MAN_STAMP): FORCE
	$(Q)mkdir -p $(@D)
	$(Q)[ "$$(cat $@ 2>/dev/null)" = "$(MAN_PATHS)" ] || echo "$(MAN_PATHS)" > $@

$(MAN_OUT): $(MAN_RST) $(MAN_STAMP)
	$(call msg,RST2MAN,$@)
	$(Q)command -v $(RST2MAN) >/dev/null || { echo "make: $(RST2MAN) not found: apt-get install python3-docutils (scripts/deps.sh)" >&2; exit 1; }
	$(Q)sed -e 's|@VERSION@|$(VERSION)|g' -e 's|@UNITDIR@|$(SYSTEMDUNITDIR)|g' \
		-e 's|@DATADIR@|$(DATADIR)|g' $< | $(RST2MAN) --halt=warning - $@

man: $(MAN_OUT)

install: $(BIN) $(MAN_OUT)
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(CONTRIBDIR)/prometheus $(DESTDIR)$(CONTRIBDIR)/grafana
	$(Q)$(INSTALL) -m 755 $(BIN) $(DESTDIR)$(SBINDIR)/livelock-trace
	$(Q)$(INSTALL) -m 644 $(MAN_OUT) $(DESTDIR)$(MANDIR)/man8/livelock-trace.8
	$(Q)$(INSTALL) -m 644 contrib/bash-completion/livelock-trace $(DESTDIR)$(BASHCOMPDIR)/livelock-trace
	$(Q)sed 's|^ExecStart=$(strip $(UNIT_EXEC)) |ExecStart=$(SBINDIR)/livelock-trace |' $(UNIT) \
		> $(DESTDIR)$(SYSTEMDUNITDIR)/livelock-trace-exporter.service
	$(Q)grep -q '^ExecStart=$(SBINDIR)/livelock-trace ' $(DESTDIR)$(SYSTEMDUNITDIR)/livelock-trace-exporter.service || \
		{ echo "make: $(UNIT): ExecStart is not $(strip $(UNIT_EXEC)): update UNIT_EXEC in mk/install.mk" >&2; exit 1; }
	$(Q)chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/livelock-trace-exporter.service
	$(Q)$(INSTALL) -m 644 contrib/prometheus/livelock.rules.yml contrib/prometheus/livelock.rules.test.yml \
		$(DESTDIR)$(CONTRIBDIR)/prometheus/
	$(Q)$(INSTALL) -m 644 contrib/grafana/livelock-dashboard.json $(DESTDIR)$(CONTRIBDIR)/grafana/

uninstall:
	$(call msg,UNINSTALL,$(DESTDIR)$(PREFIX))
	$(Q)rm -f $(DESTDIR)$(SBINDIR)/livelock-trace $(DESTDIR)$(MANDIR)/man8/livelock-trace.8 \
		$(DESTDIR)$(BASHCOMPDIR)/livelock-trace \
		$(DESTDIR)$(SYSTEMDUNITDIR)/livelock-trace-exporter.service \
		$(DESTDIR)$(CONTRIBDIR)/prometheus/livelock.rules.yml \
		$(DESTDIR)$(CONTRIBDIR)/prometheus/livelock.rules.test.yml \
		$(DESTDIR)$(CONTRIBDIR)/grafana/livelock-dashboard.json
	$(Q)rmdir $(DESTDIR)$(CONTRIBDIR)/prometheus $(DESTDIR)$(CONTRIBDIR)/grafana $(DESTDIR)$(CONTRIBDIR) 2>/dev/null || true

# --- make deb -------------------------------------------------------------
DEB_ARCH       := $(shell dpkg --print-architecture 2>/dev/null)
DEB_DIR        := build/deb
DEB_ROOT       := $(DEB_DIR)/root
DEB            := build/livelock-trace_$(VERSION)_$(DEB_ARCH).deb
DEB_MAINTAINER ?= livelock-trace developers <livelock-trace@localhost>

deb: $(BIN)
	$(Q)command -v dpkg-deb >/dev/null && command -v dpkg-shlibdeps >/dev/null || \
		{ echo "make: dpkg-deb and dpkg-shlibdeps needed: apt-get install dpkg-dev (scripts/deps.sh)" >&2; exit 1; }
	$(Q)rm -rf $(DEB_DIR) && mkdir -p $(DEB_ROOT)/DEBIAN $(DEB_DIR)/debian
	$(Q)$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/$(DEB_ROOT) PREFIX=/usr \
		SYSTEMDUNITDIR=/lib/systemd/system
	$(Q)strip --strip-unneeded --remove-section=.comment --remove-section=.note $(DEB_ROOT)/usr/sbin/livelock-trace
	$(Q)gzip -9n $(DEB_ROOT)/usr/share/man/man8/livelock-trace.8
	$(Q)$(INSTALL) -d $(DEB_ROOT)/usr/share/doc/livelock-trace
	$(Q)printf '%s\n' 'livelock-trace: receive-livelock diagnosis for a Linux NIC.' \
		'License: GPL-2.0 OR BSD-2-Clause (the SPDX line of every source file).' \
		'On Debian systems the GPL-2 is in /usr/share/common-licenses/GPL-2; the' \
		'BSD-2-Clause text is at https://spdx.org/licenses/BSD-2-Clause.html.' \
		> $(DEB_ROOT)/usr/share/doc/livelock-trace/copyright
	$(Q)printf 'Source: livelock-trace\n\nPackage: livelock-trace\nArchitecture: any\n' > $(DEB_DIR)/debian/control
	$(Q)cd $(DEB_DIR) && dpkg-shlibdeps -O root/usr/sbin/livelock-trace > shlibs.subst
	$(Q)depends=$$(sed -n 's/^shlibs:Depends=//p' $(DEB_DIR)/shlibs.subst); \
	[ -n "$$depends" ] || { echo "make: dpkg-shlibdeps found no dependencies" >&2; exit 1; }; \
	{ echo "Package: livelock-trace"; \
	  echo "Version: $(VERSION)"; \
	  echo "Architecture: $(DEB_ARCH)"; \
	  echo "Maintainer: $(DEB_MAINTAINER)"; \
	  echo "Installed-Size: $$(du -sk --exclude=DEBIAN $(DEB_ROOT) | cut -f1)"; \
	  echo "Depends: $$depends"; \
	  echo "Section: net"; \
	  echo "Priority: optional"; \
	  echo "Description: receive-livelock diagnosis for a Linux NIC"; \
	  echo " livelock-trace measures a NIC's interrupt, softirq, NAPI and socket work"; \
	  echo " with CO-RE BPF programs and fits the Salah & El-Badawi receive-livelock"; \
	  echo " model: how close the machine is to interrupt saturation, where its"; \
	  echo " throughput peaks and collapses, which coalescing setting is best."; \
	  echo " Includes a Prometheus exporter, its systemd unit, alert rules and a"; \
	  echo " Grafana dashboard."; } > $(DEB_ROOT)/DEBIAN/control
	$(Q)dpkg-deb --root-owner-group -Zxz --build $(DEB_ROOT) $(DEB) >/dev/null
	$(call msg,DEB,$(DEB))

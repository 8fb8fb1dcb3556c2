// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Regular files and bounded lines (lines.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lines.h"

FILE *lines_open(const char *path, int *err)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	FILE *f;

	if (fd < 0) {
		*err = -errno;
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		*err = LINES_NOT_REGULAR;
		close(fd);
		return NULL;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	f = fdopen(fd, "r");
	if (!f) {
		*err = -errno;
		close(fd);
	}
	return f;
}

int lines_read(FILE *f, char *buf, size_t cap, size_t *len)
{
	if (!fgets(buf, (int)cap, f))
		return 0;
	*len = strlen(buf);	/* a NUL byte ends it early: no JSON, refused by the caller */
	if (*len + 1 < cap || buf[*len - 1] == '\n')
		return 1;
	return fgetc(f) == EOF ? 1 : -1;
}

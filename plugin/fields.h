/* 4o6top fields on every tunnelled packet (a post-dissector): session number,
 * new session, CE/B4, BR/AFTR, direction, endpoints, mechanism, PSID, timeout
 * class, session totals so far, gap, active sessions, CE ports in use,
 * out-of-set, verdict; and expert infos. The values are the one pass's
 * (annotate.h). */
#ifndef FOT_FIELDS_H
#define FOT_FIELDS_H

void fot_fields_register(int proto);
void fot_fields_handoff(void);

#endif

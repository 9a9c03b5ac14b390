/* Statistics > 4o6top Sessions and 4o6top CEs: sortable tables (Wireshark's
 * statistics table dialog: sort by any column, own display filter, copy and
 * save). Built from the post-dissector's per-frame values on the frame tap. */
#ifndef FOT_GUI_TABLES_H
#define FOT_GUI_TABLES_H

void fot_gui_tables_register(void);

#endif

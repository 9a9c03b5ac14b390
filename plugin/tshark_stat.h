/* tshark -z 4o6top,MODE[,option=value...][,FILTER] */
#ifndef FOT_TSHARK_STAT_H
#define FOT_TSHARK_STAT_H

void fot_tshark_stat_register(void);

#endif

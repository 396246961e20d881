BBBBBBB BBBBBBBBBBBBBBB BBBB
BBBBB BBBBB gettext(u'Close the meeting')  X BBBBBBBB
BBBBB BBBBBBBBBBB gettext(u'Close the meeting') BBBBBBB BBBBBBBBBBBBBBBBBBBBBBBBBBB
BBBBB BBBBBBB
BB BBBBBXXXX XXXXXXXXXXXX XXXXXXXXXXXXX XXXXXXXXXXXXXXXXXXXBBBBB
 gettext(u'Close “%(title)s”?') SSSSS SSSSSSSSSSSS
 gettext(u'A closed meeting counts as held: its minutes and attendance can no longer be changed. It needs its minutes, attendance for every expected attendee and, for a branch general meeting or a branch committee meeting, more than half of the expected attendees present.') 
 gettext(u'Close the meeting') 
BBB BBBBBBBBBBBBBBBBBBBBB BBBBBBBBBB BB BBBBBBBBBB
BBBBBBB BBBBBBBBBBBBBBBBBBBBBBB BBBB BBBBBBBBBBBBBBB BBBBBBBBBBBBBBBBBBBBBBB BBBBBBBBBBBBBBBBBBBBBBBBBBB BBBBBBBBBBBBBBBBBBBBB BBBBBBBBBBBB
BBBBBBBB

import QtQuick

Text {
    color: theme.c.text
    font.pixelSize: units.small_px
    wrapMode: Text.WordWrap
}

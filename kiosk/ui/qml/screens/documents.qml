import QtQuick
import "../components"

Item {
    objectName: "screen_documents"
    Flickable {  // the title and instructions scroll with the list: a short screen gives it room
        id: docList
        anchors.top: parent.top
        anchors.bottom: msgBox.top
        anchors.bottomMargin: units.mm(3)
        width: parent.width
        contentHeight: col.y + col.height
        clip: true
        Heading {
            id: title
            text: i18n.t.documents_title
        }
        Body {
            id: intro
            anchors.top: title.bottom
            anchors.topMargin: units.mm(2)
            text: docs.scanning ? i18n.t.documents_scanning : i18n.t.documents_intro
        }
        Column {
            id: col
            y: intro.y + intro.height + units.mm(4)
            width: parent.width
            spacing: units.mm(4)
            Repeater {
                model: docs.items
                Rectangle {
                    required property var modelData
                    width: col.width
                    height: Math.max(row.implicitHeight, units.mm(26)) + units.mm(6)
                    color: theme.c.surface
                    border.color: theme.c.border
                    border.width: units.mm(0.5)
                    radius: units.mm(2)
                    Grid {
                        id: row
                        anchors.verticalCenter: parent.verticalCenter
                        x: units.mm(4)
                        width: parent.width - units.mm(8)
                        columns: portrait ? 1 : 2
                        spacing: units.mm(4)
                        Column {
                            width: portrait ? row.width : row.width * 0.42
                            spacing: units.mm(1)
                            Body {
                                text: (modelData.pages > 0 ? "✓ " : "") + modelData.title
                                font.bold: true
                            }
                            Body {
                                text: modelData.required ? i18n.t.documents_required
                                                         : i18n.t.documents_optional
                                color: theme.c.muted
                                font.pixelSize: units.small_px
                            }
                            Rectangle {
                                objectName: "warning_" + modelData.id
                                visible: modelData.warning.length > 0
                                Accessible.role: Accessible.AlertMessage
                                Accessible.name: modelData.warning
                                width: parent.width
                                height: visible ? warningText.implicitHeight + units.mm(3) : 0
                                color: theme.c.danger
                                radius: units.mm(1.5)
                                Body {
                                    id: warningText
                                    anchors.centerIn: parent
                                    width: parent.width - units.mm(4)
                                    color: theme.c.danger_text
                                    font.pixelSize: units.small_px
                                    text: modelData.warning
                                }
                            }
                        }
                        Row {
                        spacing: units.mm(4)
                        Repeater {
                            id: thumbs
                            property var larges: modelData.larges
                            property string docId: modelData.id
                            model: modelData.thumbs
                            Rectangle {  // tap a page to see it large
                                required property string modelData
                                required property int index
                                objectName: "thumb_" + thumbs.docId + "_" + index
                                width: units.mm(22)
                                height: units.mm(30)
                                color: "#FFFFFF"
                                border.color: theme.c.border
                                border.width: units.mm(0.5)
                                Accessible.role: Accessible.Button
                                Accessible.name: i18n.t.documents_see_page
                                Image {
                                    anchors.fill: parent
                                    anchors.margins: units.mm(1)
                                    fillMode: Image.PreserveAspectFit
                                    cache: false
                                    source: parent.modelData
                                }
                                TapHandler { onTapped: pageViewer.url = thumbs.larges[parent.index] }
                            }
                        }
                        KButton {
                            objectName: "scan_" + modelData.id
                            text: modelData.pages > 0 ? i18n.t.documents_rescan : i18n.t.documents_scan
                            enabledState: !docs.scanning
                            onClicked: docs.scan(modelData.id)
                        }
                        KButton {
                            objectName: "delete_" + modelData.id
                            visible: modelData.pages > 0
                            kind: "secondary"
                            text: i18n.t.documents_delete
                            enabledState: !docs.scanning
                            onClicked: docs.clear(modelData.id)
                        }
                        }
                    }
                }
            }
        }
    }
    Rectangle {
        id: msgBox
        objectName: "documentsMessage"
        anchors.bottom: nav.top
        anchors.bottomMargin: units.mm(3)
        width: parent.width
        height: docs.message.length > 0 ? m.implicitHeight + units.mm(4) : 0
        visible: docs.message.length > 0
        color: theme.c.danger
        radius: units.mm(2)
        Body {
            id: m
            anchors.centerIn: parent
            width: parent.width - units.mm(6)
            color: theme.c.danger_text
            text: docs.message
        }
    }
    ScrollHint { flick: docList }  // more documents below
    Rectangle {  // one scanned page, large enough to judge (tapped thumbnail)
        id: pageViewer
        objectName: "pageViewer"
        property string url: ""
        anchors.fill: parent
        z: 10
        visible: url.length > 0
        color: theme.c.background
        Image {
            objectName: "pageLarge"
            anchors.top: parent.top
            anchors.bottom: closePage.top
            anchors.bottomMargin: units.mm(4)
            width: parent.width
            fillMode: Image.PreserveAspectFit
            cache: false
            source: pageViewer.url
        }
        KButton {
            id: closePage
            objectName: "closePage"
            anchors.bottom: parent.bottom
            anchors.horizontalCenter: parent.horizontalCenter
            width: parent.width * 0.6
            text: i18n.t.documents_close_page
            onClicked: pageViewer.url = ""
        }
    }
    NavBar {
        id: nav
        anchors.bottom: parent.bottom
        width: parent.width
        nextText: i18n.t.nav_next
        nextEnabled: !docs.scanning
        onBack: flow.back()
        onNext: flow.next()
    }
}
